// `streamstate inspect`, the built CLI (dist/cli/streamstate.js) run as a child process with a
// deadline, on state the word-count example leaves behind (RocksDB and SlateDB local files), on a
// SlateDB state in S3 (MinIO), and against running writers (it must refuse, exit status 3).
// Read-only is checked byte for byte: every file's name, size, mtime and content, or every S3
// object's key and etag, is the same before and after.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client, CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SlateDbBackend, StateStoreManager, rocksDbBackend } from 'streamstate';
import { withHoldingChild } from './helpers/holding-child.mjs';
import { runNode } from './helpers/run-node.mjs';
import { skipLoudly, startS3Server } from './helpers/s3-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(root, 'dist', 'cli', 'streamstate.js');
const EXAMPLE = path.join(root, 'examples', 'word-count.mjs');

const inspect = (args, options) => runNode([CLI, 'inspect', ...args], options);

async function inspectJson(args, options) {
  const result = await inspect([...args, '--json'], options);
  assert.is(result.code, 0, `inspect exit status (stderr: ${result.stderr})`);
  return JSON.parse(result.stdout);
}

/** Every file below `dir`: relative path -> size, mtime and content hash. */
async function fileTree(dir) {
  const tree = {};
  async function visit(at) {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await visit(full);
      else {
        const info = await stat(full);
        tree[path.relative(dir, full)] = `${info.size} ${info.mtimeMs} ${createHash('sha256').update(await readFile(full)).digest('hex')}`;
      }
    }
  }
  await visit(dir);
  return tree;
}

/** The example's printed count per user ("  ada       505 messages ..." or "... 505 sentences ..."). */
function countsByUser(stdout) {
  return Object.fromEntries([...stdout.matchAll(/^\s+(\w+)\s+(\d+) (?:messages|sentences)/gm)].map((m) => [m[1], Number(m[2])]));
}

const utf8 = new TextDecoder();
const jsonOrUndefined = (bytes) => {
  try {
    return { value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return undefined;
  }
};

/**
 * The oracle: what a partition holds, read through the library's own backend on a copy of the
 * state (so the original stays untouched): families with key counts, the changelog offset, and the
 * default family's entries.
 */
async function readThroughBackend(backend, directory) {
  const db = backend === 'rocksdb' ? await rocksDbBackend.open(directory) : await new SlateDbBackend().open(directory);
  try {
    const families = [];
    for (const name of (await db.listColumnFamilies()).sort()) {
      let keys = 0;
      for await (const _ of db.iterate({ cf: name })) keys++;
      families.push({ name, keys });
    }
    const offset = await db.get('__metadata__', new TextEncoder().encode('__changelog_offset__'));
    const entries = [];
    for await (const [key, value] of db.iterate({ cf: 'default' })) entries.push([key, value]);
    return {
      families,
      changelogOffset: offset === undefined ? null : new DataView(offset.buffer, offset.byteOffset).getBigUint64(0).toString(),
      entries,
    };
  } finally {
    await db.close();
  }
}

/** The oracle's default-family entries under one message key (stored as bytes or as JSON), decoded. */
function entriesOfUser(oracle, user) {
  const forms = [new TextEncoder().encode(`${user}|`), new TextEncoder().encode(`${JSON.stringify(user)}|`)];
  return oracle.entries
    .filter(([key]) => forms.some((form) => form.every((byte, i) => key[i] === byte)))
    .map(([key, value]) => ({ key: JSON.parse(utf8.decode(key.subarray(key.indexOf(0x7c) + 1))), value: jsonOrUndefined(value).value }));
}

const scratch = await mkdtemp(path.join(tmpdir(), 'streamstate-inspect-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

for (const backend of ['rocksdb', 'slatedb']) {
  const s = suite(`inspect: word-count state on ${backend}`);
  const stateDir = path.join(scratch, `example-${backend}`);
  const copy = path.join(scratch, `oracle-${backend}`);
  const tmpDir = path.join(scratch, `tmp-${backend}`);
  let example;
  /** The oracle's view of each partition, by path below the group directory. */
  const oracle = {};

  s.before(async () => {
    example = await runNode([EXAMPLE, '--backend', backend, '--state-dir', stateDir]);
    assert.is(example.code, 0, `the example ran (stderr: ${example.stderr})`);
    await mkdir(tmpDir, { recursive: true });
    await cp(stateDir, copy, { recursive: true });
    for (const store of await readdir(path.join(copy, 'word-count'))) {
      for (const partition of await readdir(path.join(copy, 'word-count', store, 'sentences'))) {
        oracle[`${store}/sentences/${partition}`] = await readThroughBackend(backend, path.join(copy, 'word-count', store, 'sentences', partition));
      }
    }
  });

  s('lists the three partitions, their column families, key counts and changelog offsets', async () => {
    const report = await inspectJson(['--state-dir', stateDir, '--group', 'word-count', '--tmp-dir', tmpDir]);
    assert.is(report.root, path.join(stateDir, 'word-count'));
    assert.equal(
      report.partitions.map((p) => [p.stream, p.partition, p.backend]),
      [0, 1, 2].map((n) => ['sentences', n, backend]),
    );
    assert.equal(report.partitions.map((p) => p.path).sort(), Object.keys(oracle).sort());
    for (const partition of report.partitions) {
      const expected = oracle[partition.path];
      assert.equal(partition.columnFamilies, expected.families, partition.path);
      assert.ok(partition.columnFamilies.find((cf) => cf.name === 'default').keys > 0, 'the example left state');
      assert.is(partition.changelogOffset, expected.changelogOffset, partition.path);
      assert.is(partition.error, undefined);
    }
    assert.equal(await readdir(tmpDir), [], 'scratch copies are removed');
  });

  s('without --group, finds the same partitions one level deeper', async () => {
    const report = await inspectJson(['--state-dir', stateDir, '--tmp-dir', tmpDir]);
    assert.equal(report.partitions.map((p) => p.path).sort(), Object.keys(oracle).map((p) => `word-count/${p}`).sort());
  });

  s('dumps the keys of one message key, decoded as JSON, matching the backend and what the example printed', async () => {
    const counts = countsByUser(example.stdout);
    assert.ok(counts.ada > 0, "the example printed ada's count");
    // ada is user 0: partition 0.
    const path0 = Object.keys(oracle).find((p) => p.endsWith('/0'));
    const expected = entriesOfUser(oracle[path0], 'ada');
    assert.ok(expected.length >= 2, `ada has state (${JSON.stringify(expected)})`);
    const report = await inspectJson(['--state-dir', stateDir, '--group', 'word-count', '--partition', '0', '--dump', '--prefix', 'ada', '--tmp-dir', tmpDir]);
    assert.is(report.partitions.length, 1);
    const entries = report.partitions[0].dump.entries;
    assert.equal(entries.map(({ key, value }) => ({ key, value })), expected);
    assert.ok(entries.every((entry) => entry.prefix === 'ada' || entry.rawPrefix === "b'ada'"), 'every key is under the prefix ada');
    assert.ok(entries.some((entry) => entry.value === counts.ada), `one of ada's values is the count the example printed (${counts.ada})`);
    const text = await inspect(['--state-dir', stateDir, '--group', 'word-count', '--partition', '0', '--dump', '--prefix', 'ada', '--limit', '1', '--tmp-dir', tmpDir]);
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, ` | ${JSON.stringify(expected[0].key)} = `);
    assert.match(text.stdout, 'more; raise --limit');
  });

  s('a --from/--to range within a prefix', async () => {
    const path0 = Object.keys(oracle).find((p) => p.endsWith('/0'));
    const keys = entriesOfUser(oracle[path0], 'ada').map((e) => e.key);
    const report = await inspectJson([
      '--state-dir', stateDir, '--group', 'word-count', '--partition', '0', '--dump', '--prefix', 'ada',
      '--from', JSON.stringify(keys[0]), '--to', JSON.stringify(keys.at(-1)), '--tmp-dir', tmpDir,
    ]);
    assert.equal(report.partitions[0].dump.entries.map((e) => e.key), keys.slice(0, -1));
  });

  s('changes nothing: every file is the same before and after', async () => {
    const before = await fileTree(stateDir);
    await inspectJson(['--state-dir', stateDir, '--group', 'word-count', '--dump', '--tmp-dir', tmpDir]);
    await inspectJson(['--state-dir', stateDir, '--group', 'word-count', '--tmp-dir', tmpDir]);
    assert.equal(await fileTree(stateDir), before);
  });

  s('a stored changelog offset (8-byte big-endian in __metadata__), JSON and bytes prefixes', async () => {
    const dir = path.join(scratch, `offset-${backend}`);
    const manager = new StateStoreManager({ stateDir: dir, groupId: 'app', backend });
    manager.registerStore('orders', 'totals');
    await manager.onPartitionAssign('orders', 1);
    const tx = manager.getStore('orders', 'totals').startPartitionTransaction(1);
    tx.asState('ada').set('extra', { nested: [1, 2] });
    tx.asState(new TextEncoder().encode('grace')).set('total', 7);
    tx.asState(42).set('n', true);
    await tx.prepare();
    await tx.flush(9_007_199_254_740_000);
    await manager.close();
    const report = await inspectJson(['--state-dir', dir, '--group', 'app', '--dump', '--cf', '__metadata__', '--tmp-dir', tmpDir]);
    const [partition] = report.partitions;
    assert.equal([partition.store, partition.stream, partition.partition], ['totals', 'orders', 1]);
    assert.is(partition.changelogOffset, '9007199254740000');
    assert.equal(partition.columnFamilies, [{ name: '__metadata__', keys: 1 }, { name: 'default', keys: 3 }]);
    assert.is(partition.dump.entries.length, 1);
    assert.is(partition.dump.entries[0].rawKey, "b'__changelog_offset__'");
    assert.is(partition.dump.entries[0].value, '9007199254740000');
    const dumpOf = async (...flags) => (await inspectJson(['--state-dir', dir, '--group', 'app', '--dump', ...flags, '--tmp-dir', tmpDir])).partitions[0].dump.entries;
    assert.equal(await dumpOf('--prefix', 'ada'), [{ prefix: 'ada', key: 'extra', value: { nested: [1, 2] } }]);
    assert.equal(await dumpOf('--prefix', 'grace'), [{ rawPrefix: "b'grace'", key: 'total', value: 7 }]);
    assert.equal(await dumpOf('--json-prefix', '42'), [{ prefix: 42, key: 'n', value: true }]);
    assert.equal((await dumpOf()).length, 3);
  });

  if (backend === 'slatedb') {
    s('SlateDB: the manifest as the last writer left it; inspect itself fences nobody', async () => {
      const dir = path.join(scratch, 'epochs-slatedb');
      await cp(stateDir, dir, { recursive: true });
      const inspectPartition2 = async () => (await inspectJson(['--state-dir', dir, '--group', 'word-count', '--partition', '2'])).partitions[0];
      const first = (await inspectPartition2()).slatedb;
      const again = (await inspectPartition2()).slatedb;
      assert.equal(again, first, 'a second inspect sees the same manifest: the first wrote nothing');
      assert.ok(first.manifest.writerEpoch >= 1);
      assert.is(first.manifest.id, first.objects.manifest.count, 'the stored manifest is the newest of manifest/');
      assert.ok(first.objects.wal.count > 0 && first.objects.wal.bytes > 0, 'the WAL objects are counted');
      const ssts = first.manifest.l0Ssts + first.manifest.sortedRuns.reduce((n, run) => n + run.ssts, 0);
      assert.ok(ssts >= 1, `SSTs in the manifest: ${JSON.stringify(first.manifest)}`);
      // A real writer opens and closes the partition: the next writer epoch is exactly one more.
      const db = await new SlateDbBackend().open(path.join(dir, 'word-count', (await inspectPartition2()).path));
      await db.close();
      const after = (await inspectPartition2()).slatedb;
      assert.is(after.manifest.writerEpoch, first.manifest.writerEpoch + 1);
      assert.ok(after.manifest.id > first.manifest.id);
    });

    s('file:// locations work as --state-dir does', async () => {
      const report = await inspectJson([`file://${path.join(stateDir, 'word-count')}`, '--partition', '0']);
      const path0 = Object.keys(oracle).find((p) => p.endsWith('/0'));
      assert.equal(report.partitions.map((p) => [p.path, p.columnFamilies]), [[path0, oracle[path0].families]]);
    });
  }

  s.run();
}

// ---- running writers --------------------------------------------------------------------------

const locks = suite('inspect: refuses a partition a running writer holds');

locks('RocksDB: exit status 3, ROCKSDB_LOCKED, the writer untouched; readable once it is gone', async () => {
  const dir = path.join(scratch, 'locked-rocksdb');
  await withHoldingChild('state-lock-holder.mjs', [dir], async () => {
    const result = await inspect(['--state-dir', dir, '--group', 'group']);
    assert.is(result.code, 3, `exit status (stdout: ${result.stdout}, stderr: ${result.stderr})`);
    assert.match(result.stderr, 'ROCKSDB_LOCKED');
    assert.match(result.stderr, 'running writer');
    assert.match(result.stdout, 'NOT INSPECTED');
  });
  // The holder was killed: its lock went with it.
  const report = await inspectJson(['--state-dir', dir, '--group', 'group', '--dump']);
  assert.equal(report.partitions[0].dump.entries, [{ key: 'holder', value: 'child' }]);
});

locks('SlateDB: exit status 3, SLATEDB_LOCKED while the writer\'s lease is live', async () => {
  const dir = path.join(scratch, 'locked-slatedb');
  await withHoldingChild('slatedb-partition-holder.mjs', [dir, '10000'], async () => {
    const manifests = await readdir(path.join(dir, 'group', 'default', 'topic', '0', 'manifest'));
    const result = await inspect(['--state-dir', dir, '--group', 'group']);
    assert.is(result.code, 3, `exit status (stdout: ${result.stdout}, stderr: ${result.stderr})`);
    assert.match(result.stderr, 'SLATEDB_LOCKED');
    assert.match(result.stderr, 'running writer');
    assert.equal(await readdir(path.join(dir, 'group', 'default', 'topic', '0', 'manifest')), manifests, 'no manifest written');
  });
});

locks('SlateDB: a killed writer\'s expired lease does not stop inspect, and is left as it was', async () => {
  const dir = path.join(scratch, 'expired-slatedb');
  const lease = path.join(dir, 'group', 'default', 'topic', '0', '.lock');
  await withHoldingChild('slatedb-partition-holder.mjs', [dir, '1500'], async () => {});
  // Killed (SIGKILL) while holding: its lease stays behind and expires 1.5 s after its last renewal.
  const before = await readFile(lease);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const report = await inspectJson(['--state-dir', dir, '--group', 'group', '--dump']);
  const [partition] = report.partitions;
  assert.equal(partition.dump.entries, [{ key: 'holder', value: 'child' }]);
  assert.is(partition.slatedb.lease.expired, true);
  assert.match(partition.slatedb.lease.holder, /^process \d+$/);
  assert.equal(await readFile(lease), before, 'the lease object is untouched (inspect takes no lease)');
});

locks.run();

// ---- arguments --------------------------------------------------------------------------------

const usage = suite('inspect: arguments');

usage('no location: exit status 2 and the usage', async () => {
  const result = await inspect([]);
  assert.is(result.code, 2);
  assert.match(result.stderr, '--state-dir DIR');
});

usage('a directory with no state: exit status 2, naming the path', async () => {
  const result = await inspect(['--state-dir', path.join(scratch, 'nothing-here')]);
  assert.is(result.code, 2);
  assert.match(result.stderr, path.join(scratch, 'nothing-here'));
});

usage('--help: exit status 0', async () => {
  const result = await inspect(['--help']);
  assert.is(result.code, 0);
  assert.match(result.stdout, 'Usage: streamstate inspect');
});

usage.run();

// ---- S3 ---------------------------------------------------------------------------------------

const server = startS3Server();
if (server === undefined) {
  skipLoudly(suite, 'inspect: S3 (MinIO)');
} else {
  const s3 = suite('inspect: SlateDB state in S3 (MinIO)');
  const bucket = 'streamstate-inspect';
  const client = new S3Client(server.clientConfig);
  const env = {
    AWS_ENDPOINT_URL: server.vars.S3_ENDPOINT,
    AWS_REGION: server.vars.S3_REGION,
    AWS_ACCESS_KEY_ID: server.vars.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: server.vars.AWS_SECRET_ACCESS_KEY,
  };
  const objects = async () => {
    const listed = [];
    let token;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      listed.push(...(page.Contents ?? []).map((o) => `${o.Key} ${o.ETag} ${o.Size}`));
      token = page.NextContinuationToken;
    } while (token);
    return listed;
  };

  s3.before(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const manager = new StateStoreManager({
      stateDir: path.join(scratch, 's3-namespace'),
      groupId: 'orders-app',
      backend: 'slatedb',
      slatedbOptions: { objectStore: `s3://${bucket}/state/orders-app`, objectStoreOptions: { s3: { clientConfig: server.clientConfig } } },
    });
    manager.registerStore('orders', 'totals');
    for (const partition of [0, 1]) {
      await manager.onPartitionAssign('orders', partition);
      const tx = manager.getStore('orders', 'totals').startPartitionTransaction(partition);
      for (let customer = partition; customer < 10; customer += 2) tx.asState(`customer-${customer}`).set('total', customer * 100);
      await tx.prepare();
      await tx.flush(40 + partition);
    }
    await manager.close();
  });
  s3.after(() => client.destroy());

  s3('lists partitions, families, offsets and the manifest of an s3:// location, changing no object', async () => {
    const before = await objects();
    const report = await inspectJson([`s3://${bucket}/state/orders-app`], { env });
    assert.is(report.root, `s3://${bucket}/state/orders-app`);
    assert.equal(report.partitions.map((p) => [p.store, p.stream, p.partition, p.backend, p.changelogOffset]), [
      ['totals', 'orders', 0, 'slatedb', '40'],
      ['totals', 'orders', 1, 'slatedb', '41'],
    ]);
    for (const partition of report.partitions) {
      assert.equal(partition.columnFamilies, [
        { name: '__metadata__', keys: 1 },
        { name: 'default', keys: 5 },
      ]);
      assert.ok(partition.slatedb.manifest.writerEpoch >= 1);
      assert.ok(partition.slatedb.objects.manifest.count >= 1);
      assert.is(partition.location, `s3://${bucket}/state/orders-app/totals/orders/${partition.partition}`);
    }
    assert.equal(await objects(), before, 'every object (key, etag, size) is as it was');
  });

  s3('dumps keys from S3, and --group appends the group to the prefix', async () => {
    const report = await inspectJson([`s3://${bucket}/state`, '--group', 'orders-app', '--partition', '1', '--dump', '--prefix', 'customer-3'], { env });
    assert.equal(report.partitions[0].dump.entries, [{ prefix: 'customer-3', key: 'total', value: 300 }]);
  });

  s3('an unreachable endpoint fails with a clear error, within the deadline', async () => {
    const result = await inspect([`s3://${bucket}/state`, '--timeout', '60'], { env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    assert.is(result.code, 1);
    assert.match(result.stderr, `Cannot list s3://${bucket}/state`);
  });

  s3.run();
}
