// Issue 8, item 7: a SlateDB partition whose lease object (`.lock`) was damaged outside streamstate
// fails to open with a documented code (SLATEDB_LEASE_UNREADABLE) saying what to do, instead of an
// error without a code; the data is left alone and opens again once the lease object is deleted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as streamstate from 'streamstate';
import { SlateDbBackend, StateStoreManager, StreamstateError } from 'streamstate';
import { rejectionOf, withTemporaryDirectory } from './helpers/fixtures.mjs';
import { captureLogger } from './helpers/state-logger.mjs';
import { withTransaction } from 'streamstate';

const { SlateDBLeaseUnreadableError } = streamstate;
const encoder = new TextEncoder();
const lease = suite('slatedb: a damaged lease object');

for (const [what, damage] of [
  ['garbage bytes', 'not a streamstate object at all'],
  ['an empty file', ''],
]) {
  lease(`a .lock holding ${what}: SLATEDB_LEASE_UNREADABLE, not an uncoded error; deleting it opens the data again`, async () => {
    await withTemporaryDirectory('streamstate-lease-damage-', async (root) => {
      const backend = new SlateDbBackend({ settings: { flushInterval: 10 } });
      const dbPath = path.join(root, 'db');
      const db = await backend.open(dbPath);
      await db.write([{ cf: 'default', key: encoder.encode('k'), value: encoder.encode('v') }]);
      await db.close();
      await writeFile(path.join(dbPath, '.lock'), damage);
      const before = (await readdir(dbPath)).sort();

      const error = await rejectionOf(backend.open(dbPath));
      assert.instance(error, SlateDBLeaseUnreadableError, String(error));
      assert.instance(error, StreamstateError);
      assert.is(error.code, 'SLATEDB_LEASE_UNREADABLE');
      assert.is(error.path, dbPath);
      assert.is(error.key, 'db/.lock');
      assert.match(error.message, /exists but cannot be read \(.*\.lock.*\); it was changed outside streamstate/);
      assert.match(error.message, /once no process has this partition open, delete that object/);
      assert.equal((await readdir(dbPath)).sort(), before, 'nothing was deleted or added');
      assert.is((await rejectionOf(backend.destroy(dbPath))).code, 'SLATEDB_LEASE_UNREADABLE', 'destroy refuses it too');

      await rm(path.join(dbPath, '.lock'));
      const reopened = await backend.open(dbPath);
      try {
        assert.is(new TextDecoder().decode(await reopened.get('default', encoder.encode('k'))), 'v', 'the data was left alone');
      } finally {
        await reopened.close();
      }
    });
  });
}

lease('through the state layer: one attempt (no lock retries), no recreate, the code reaches the caller', async () => {
  await withTemporaryDirectory('streamstate-lease-damage-', async (stateDir) => {
    const log = captureLogger();
    const options = { stateDir, groupId: 'app', backend: 'slatedb', logger: log.logger, slatedbOptions: { openMaxRetries: 3, openRetryBackoffMs: 10 } };
    const first = new StateStoreManager(options);
    first.registerStore('topic');
    const { default: partition } = await first.onPartitionAssign('topic', 0);
    await withTransaction(partition, (tx) => tx.asState().set('k', 'v'));
    const partitionPath = partition.path;
    await first.close();
    await writeFile(path.join(partitionPath, '.lock'), 'garbage');

    const manager = new StateStoreManager(options);
    manager.registerStore('topic');
    const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
    assert.is(error.code, 'SLATEDB_LEASE_UNREADABLE', String(error));
    assert.equal(log.matching('warn', /Retrying/), [], 'not retried as a lock');
    assert.equal(log.matching('warn', /corrupted/), [], 'not recreated as corrupted');
    await rm(path.join(partitionPath, '.lock'));
    const { default: reopened } = await manager.onPartitionAssign('topic', 0);
    assert.is(await reopened.begin().asState().get('k'), 'v');
    await manager.close();
  });
});

lease.run();
