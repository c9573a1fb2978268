// The Backend conformance suite against every backend built here, plus what only one backend has.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MemoryBackend,
  RocksDBCorruptedError,
  RocksDBLockError,
  RocksDbBackend,
  StoreCorruptedError,
  StoreLockError,
} from 'streamstate';
import { backendSuite } from './conformance/backend-suite.mjs';
import { bytes, text } from './conformance/support.mjs';
import { rejectionOf, withTemporaryDirectory } from './helpers/fixtures.mjs';
import { withHoldingChild } from './helpers/holding-child.mjs';
import { runNode } from './helpers/run-node.mjs';

const memory = suite('backend: memory');
backendSuite(memory, assert, async () => {
  const backend = new MemoryBackend();
  return { backend, path: (name) => `memory-suite/${name}`, cleanup: async () => {} };
});
memory.run();

const rocksdb = suite('backend: rocksdb');
backendSuite(rocksdb, assert, async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'streamstate-rocksdb-'));
  return {
    backend: new RocksDbBackend(),
    path: (name) => path.join(root, name),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
rocksdb.run();

const rocksdbPooledReads = suite('backend: rocksdb, reads on the thread pool');
backendSuite(rocksdbPooledReads, assert, async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'streamstate-rocksdb-'));
  const rocksDb = new RocksDbBackend();
  const backend = {
    name: rocksDb.name,
    supports: rocksDb.supports,
    open: (dbPath, options) => rocksDb.open(dbPath, { ...options, settings: { synchronousReads: false } }),
    destroy: (dbPath) => rocksDb.destroy(dbPath),
    exists: (dbPath) => rocksDb.exists(dbPath),
  };
  return { backend, path: (name) => path.join(root, name), cleanup: () => rm(root, { recursive: true, force: true }) };
});
rocksdbPooledReads.run();

// ---- RocksDB only ------------------------------------------------------------------------------

const rocksdbOnly = suite('backend: rocksdb specifics');
const helpers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers');

/** Runs `fn(dir)` with a fresh temporary directory, removed afterwards. */
const withRocksdbDirectory = (fn) => withTemporaryDirectory('streamstate-rocksdb-only-', fn);

rocksdbOnly('another process holding the database: StoreLockError until it exits; its writes survive its kill', async () => {
  await withRocksdbDirectory(async (root) => {
    const dbPath = path.join(root, 'held');
    await withHoldingChild('rocksdb-hold.mjs', [dbPath], async ({ child, exited }) => {
      const backend = new RocksDbBackend();
      const error = await rejectionOf(backend.open(dbPath));
      assert.instance(error, StoreLockError);
      assert.instance(error, RocksDBLockError);
      assert.is(error.code, 'ROCKSDB_LOCKED');
      assert.is(error.path, dbPath);
      assert.match(error.message, /locked by another process/);
      child.kill('SIGKILL');
      await exited;
      const db = await backend.open(dbPath);
      try {
        assert.is((await db.get('default', bytes('written-by-child')))?.[0], 1, 'the batch was in the WAL');
      } finally {
        await db.close();
      }
    });
  });
});

for (const [what, corrupt, reason = /Corruption/] of [
  ['a garbage CURRENT file', async (dir) => writeFile(path.join(dir, 'CURRENT'), 'not a manifest name\n')],
  [
    'a garbage MANIFEST',
    async (dir) => {
      const manifest = (await readdir(dir)).find((file) => file.startsWith('MANIFEST-'));
      await writeFile(path.join(dir, manifest), Buffer.alloc(4096, 0x5a));
    },
  ],
  [
    'a deleted MANIFEST',
    async (dir) => {
      const manifest = (await readdir(dir)).find((file) => file.startsWith('MANIFEST-'));
      await rm(path.join(dir, manifest));
    },
    /is corrupted: a file it refers to is missing \(IO error: No such file or directory.*MANIFEST-\d+/,
  ],
  [
    'a CURRENT file naming a missing MANIFEST',
    async (dir) => writeFile(path.join(dir, 'CURRENT'), 'MANIFEST-999999\n'),
    /a file it refers to is missing .*MANIFEST-999999/,
  ],
]) {
  rocksdbOnly(`${what} at open: RocksDBCorruptedError; destroy then reopen gives an empty database`, async () => {
    await withRocksdbDirectory(async (root) => {
      const dbPath = path.join(root, 'corrupted');
      const backend = new RocksDbBackend();
      const db = await backend.open(dbPath);
      await db.write([{ cf: 'default', key: bytes('k'), value: bytes('v') }]);
      await db.close();
      await corrupt(dbPath);
      const error = await rejectionOf(backend.open(dbPath));
      assert.instance(error, StoreCorruptedError);
      assert.instance(error, RocksDBCorruptedError);
      assert.is(error.code, 'ROCKSDB_CORRUPTED');
      assert.is(error.path, dbPath);
      assert.match(error.message, reason);
      assert.match(error.message, /Destroy it and rebuild it from the changelog/);
      assert.is(await backend.exists(dbPath), true, 'a corrupted database still exists');
      await backend.destroy(dbPath);
      const fresh = await backend.open(dbPath);
      try {
        assert.is(await fresh.get('default', bytes('k')), undefined);
      } finally {
        await fresh.close();
      }
    });
  });
}

rocksdbOnly('a write naming a new family reopens the database; reads and iterations carry on', async () => {
  await withRocksdbDirectory(async (root) => {
    const db = await new RocksDbBackend().open(path.join(root, 'db'));
    try {
      const keys = Array.from({ length: 2500 }, (_, i) => bytes(`key-${String(i).padStart(5, '0')}`));
      await db.write(keys.map((key) => ({ cf: 'default', key, value: key })));
      for (const reverse of [false, true]) {
        const seen = [];
        let family = 0;
        for await (const [key, value] of db.iterate({ cf: 'default', reverse })) {
          seen.push(text(key));
          assert.is(text(value), text(key));
          // Three reopens during one iteration: after the first entry, mid-batch, at a batch edge.
          if (seen.length === 1 || seen.length === 500 || seen.length === 1001) {
            const [written, read] = await Promise.all([
              db.write([{ cf: `new-${reverse}-${family++}`, key: bytes('k'), value: bytes('v') }]),
              db.get('default', keys[7]),
            ]);
            assert.is(written, undefined);
            assert.is(text(read), text(keys[7]), 'a read racing the reopen');
          }
        }
        const expected = keys.map(text);
        assert.equal(seen, reverse ? expected.reverse() : expected, `every key once, reverse=${reverse}`);
      }
      const families = await db.listColumnFamilies();
      for (const name of ['new-false-0', 'new-false-2', 'new-true-2']) assert.ok(families.includes(name), name);
      assert.is(text(await db.get('new-true-1', bytes('k'))), 'v');
    } finally {
      await db.close();
    }
  });
});

rocksdbOnly('families are found at open even when RocksDB\'s OPTIONS files are unreadable', async () => {
  await withRocksdbDirectory(async (root) => {
    const dbPath = path.join(root, 'db');
    const backend = new RocksDbBackend();
    const db = await backend.open(dbPath, { columnFamilies: ['__metadata__'] });
    await db.write([{ cf: 'windows', key: bytes('w'), value: bytes('1') }]);
    await db.close();
    for (const file of await readdir(dbPath)) {
      if (file.startsWith('OPTIONS-')) await writeFile(path.join(dbPath, file), 'garbage');
    }
    const reopened = await backend.open(dbPath);
    try {
      const families = await reopened.listColumnFamilies();
      assert.equal([...families].sort(), ['__metadata__', 'default', 'windows']);
      assert.is(text(await reopened.get('windows', bytes('w'))), '1');
    } finally {
      await reopened.close();
    }
  });
});

rocksdbOnly('settings reach RocksDB; invalid ones are refused with BACKEND_INVALID_ARGUMENT', async () => {
  await withRocksdbDirectory(async (root) => {
    const dbPath = path.join(root, 'db');
    const backend = new RocksDbBackend();
    const db = await backend.open(dbPath, {
      settings: { compressionType: 'none', bloomFilterBitsPerKey: 0, blockCacheSize: 1 << 20, syncWrites: true },
    });
    await db.write([{ cf: 'default', key: bytes('k'), value: bytes('v') }]);
    await db.close();
    const optionsFile = (await readdir(dbPath)).filter((file) => file.startsWith('OPTIONS-')).sort().at(-1);
    const options = await readFile(path.join(dbPath, optionsFile), 'utf8');
    assert.match(options, /^\s*compression=kNoCompression$/m);
    assert.match(options, /^\s*filter_policy=nullptr$/m);
    const tuned = await backend.open(dbPath, { settings: { bloomFilterBitsPerKey: 7 } });
    await tuned.close();
    const retuned = (await readdir(dbPath)).filter((file) => file.startsWith('OPTIONS-')).sort().at(-1);
    assert.match(await readFile(path.join(dbPath, retuned), 'utf8'), /filter_policy=bloomfilter:7:false/);
    for (const settings of [{ compressionType: 'brotli' }, { blockCacheSize: -1 }, { syncWrites: 'yes' }]) {
      const error = await rejectionOf(backend.open(dbPath, { settings }));
      assert.is(error.code, 'BACKEND_INVALID_ARGUMENT', JSON.stringify(settings));
    }
  });
});

rocksdbOnly('destroy refuses a directory holding files RocksDB did not write', async () => {
  await withRocksdbDirectory(async (root) => {
    await writeFile(path.join(root, 'precious.txt'), 'keep me');
    const error = await rejectionOf(new RocksDbBackend().destroy(root));
    assert.is(error.code, 'BACKEND_INVALID_ARGUMENT');
    assert.is(await readFile(path.join(root, 'precious.txt'), 'utf8'), 'keep me');
  });
});

rocksdbOnly('without the native addon, open fails with BACKEND_UNAVAILABLE naming slatedb', async () => {
  await withRocksdbDirectory(async (root) => {
    const { code, stdout, stderr } = await runNode([path.join(helpers, 'rocksdb-without-addon.mjs'), path.join(root, 'db')]);
    assert.is(code, 0, stderr);
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.is(result.code, 'BACKEND_UNAVAILABLE');
    assert.match(result.message, /slatedb/);
  });
});

rocksdbOnly.run();
