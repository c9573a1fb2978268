// The state conformance suite on every backend (tests/helpers/backend-matrix.mjs), plus what only RocksDB has: another
// process holding a partition, and corrupted partition directories.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  RocksDBCorruptedError,
  RocksDBLockError,
  StateStoreManager,
  StoreCorruptedError,
  withTransaction,
} from 'streamstate';
import { stateSuite } from './conformance/state-suite.mjs';
import { stateBackends } from './helpers/backend-matrix.mjs';
import { MemoryChangelog } from './helpers/state-changelog.mjs';
import { captureLogger } from './helpers/state-logger.mjs';
import { rejectionOf, withTemporaryDirectory } from './helpers/fixtures.mjs';
import { withHoldingChild } from './helpers/holding-child.mjs';

for (const [name, makeEnv] of stateBackends('state')) {
  const onBackend = suite(`state: ${name}`);
  stateSuite(onBackend, assert, makeEnv);
  onBackend.run();
}

const temporaryStateDir = () => mkdtemp(path.join(tmpdir(), 'streamstate-state-'));

// ---- RocksDB only ------------------------------------------------------------------------------

const rocksdbOnly = suite('state: rocksdb specifics');
const withStateDir = (fn) => withTemporaryDirectory('streamstate-state-', fn);

rocksdbOnly('another process holding a partition: the second opener retries with backoff, then RocksDBLockError', async () => {
  await withStateDir(async (stateDir) => {
    await withHoldingChild('state-lock-holder.mjs', [stateDir], async ({ child, exited }) => {
      const log = captureLogger();
      const manager = new StateStoreManager({
        stateDir,
        groupId: 'group',
        backend: 'rocksdb',
        rocksdbOptions: { openMaxRetries: 4, openRetryBackoffMs: 25 },
        logger: log.logger,
      });
      manager.registerStore('topic');
      const started = performance.now();
      const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
      const elapsed = performance.now() - started;
      assert.instance(error, RocksDBLockError);
      assert.is(error.code, 'ROCKSDB_LOCKED');
      assert.is(error.path, path.join(stateDir, 'group', 'default', 'topic', '0'));
      assert.match(error.message, /gave up after 4 attempt\(s\)/);
      assert.instance(error.cause, RocksDBLockError, 'the backend error is the cause');
      const retries = log.matching('warn', /Failed to open rocksdb partition, cannot acquire a lock \(attempt \d\/4\)\. Retrying in 0\.025sec\./);
      assert.is(retries.length, 3, 'one line per retry: attempts - 1');
      assert.ok(elapsed >= 3 * 25 - 5, `waited between attempts (${elapsed.toFixed(0)} ms)`);
      assert.is(manager.getStore('topic').partitions.size, 0);

      child.stdin.end();
      await exited;
      const { default: partition } = await manager.onPartitionAssign('topic', 0);
      assert.is(await partition.begin().asState().get('holder'), 'child', 'the holder\'s write is there once it is gone');
      await manager.close();
    });
  });
});

async function corruptPartition(stateDir, options) {
  const manager = new StateStoreManager({ stateDir, backend: 'rocksdb', ...options });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  await withTransaction(partition, (tx) => tx.asState().set('k', 'v'));
  const partitionPath = partition.path;
  await manager.close();
  const manifest = (await readdir(partitionPath)).find((file) => file.startsWith('MANIFEST-'));
  await writeFile(path.join(partitionPath, manifest), Buffer.alloc(4096, 0x5a));
  return partitionPath;
}

rocksdbOnly('a corrupted partition without a changelog: RocksDBCorruptedError, and the files are left alone', async () => {
  await withStateDir(async (stateDir) => {
    const partitionPath = await corruptPartition(stateDir, {});
    const before = (await readdir(partitionPath)).sort();
    const manager = new StateStoreManager({ stateDir, backend: 'rocksdb' });
    manager.registerStore('topic');
    const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
    assert.instance(error, RocksDBCorruptedError);
    assert.instance(error, StoreCorruptedError);
    assert.is(error.code, 'ROCKSDB_CORRUPTED');
    assert.match(error.message, /^State store at ".*" is corrupted and cannot be recovered from the changelog topic: the store has no changelog/);
    assert.equal((await readdir(partitionPath)).sort(), before);
  });
});

rocksdbOnly('a corrupted partition with onCorruptedRecreate false: RocksDBCorruptedError saying so', async () => {
  await withStateDir(async (stateDir) => {
    const changelog = new MemoryChangelog();
    await corruptPartition(stateDir, { changelogProducerFactory: changelog.factory });
    const manager = new StateStoreManager({
      stateDir,
      backend: 'rocksdb',
      changelogProducerFactory: changelog.factory,
      rocksdbOptions: { onCorruptedRecreate: false },
    });
    manager.registerStore('topic');
    const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
    assert.instance(error, RocksDBCorruptedError);
    assert.match(error.message, /is corrupted but may be recovered from the changelog topic\. `onCorruptedRecreate` is set to false/);
  });
});

rocksdbOnly('a corrupted partition with a changelog is recreated empty, logged before and after, then rebuilt by recovery', async () => {
  await withStateDir(async (stateDir) => {
    const changelog = new MemoryChangelog();
    await corruptPartition(stateDir, { changelogProducerFactory: changelog.factory });
    const log = captureLogger();
    const manager = new StateStoreManager({ stateDir, backend: 'rocksdb', changelogProducerFactory: changelog.factory, logger: log.logger });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const before = log.lines.findIndex((line) => line.level === 'warn' && /is corrupted .*deleting it/.test(line.message));
    const after = log.lines.findIndex((line) => line.level === 'info' && /Recreated the corrupted rocksdb partition/.test(line.message));
    assert.ok(before >= 0 && after > before, log.lines.map((line) => line.message).join('\n'));
    assert.ok(log.lines[before].message.includes(`path=${JSON.stringify(partition.path)}`));
    assert.is(await partition.begin().asState().get('k'), undefined, 'recreated empty');
    for (const message of changelog.messages(changelog.bound[0].name, 0)) await partition.recoverFromChangelogMessage(message, {});
    assert.is(await partition.begin().asState().get('k'), 'v', 'rebuilt from the changelog');
    await manager.close();
  });
});

rocksdbOnly('a partition whose MANIFEST was deleted is ROCKSDB_CORRUPTED, so onCorruptedRecreate rebuilds it from the changelog', async () => {
  await withStateDir(async (stateDir) => {
    const changelog = new MemoryChangelog();
    const partitionPath = await corruptPartition(stateDir, { changelogProducerFactory: changelog.factory });
    for (const file of await readdir(partitionPath)) if (file.startsWith('MANIFEST-')) await rm(path.join(partitionPath, file));
    const without = new StateStoreManager({ stateDir, backend: 'rocksdb' });
    without.registerStore('topic');
    const error = await rejectionOf(without.onPartitionAssign('topic', 0));
    assert.instance(error, RocksDBCorruptedError);
    assert.is(error.code, 'ROCKSDB_CORRUPTED');
    const manager = new StateStoreManager({ stateDir, backend: 'rocksdb', changelogProducerFactory: changelog.factory });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    for (const message of changelog.messages(changelog.bound[0].name, 0)) await partition.recoverFromChangelogMessage(message, {});
    assert.is(await partition.begin().asState().get('k'), 'v', 'rebuilt from the changelog');
    await manager.close();
  });
});

rocksdbOnly('RocksDB options reach the backend; the addon\'s limits are refused with a clear error', async () => {
  await withStateDir(async (stateDir) => {
    const manager = new StateStoreManager({
      stateDir,
      backend: 'rocksdb',
      rocksdbOptions: { compressionType: 'none', bloomFilterBitsPerKey: 0, blockCacheSize: 1 << 20 },
    });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const optionsFile = (await readdir(partition.path)).filter((file) => file.startsWith('OPTIONS-')).sort().at(-1);
    const { readFile } = await import('node:fs/promises');
    assert.match(await readFile(path.join(partition.path, optionsFile), 'utf8'), /compression=kNoCompression/);
    await manager.close();
    const invalid = new StateStoreManager({ stateDir, backend: 'rocksdb', rocksdbOptions: { compressionType: 'brotli' } });
    const error = await rejectionOf((async () => invalid.registerStore('topic'))());
    assert.is(error.code, 'INVALID_OPTIONS');
    assert.match(error.message, /rocksdbOptions\.compressionType must be one of/);
  });
});

rocksdbOnly.run();
