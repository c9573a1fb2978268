// Issue 8, item 6: a transaction flush on SlateDB whose lease is unconfirmed (its renewal succeeded
// too slowly, so too little of the lease is left to write safely) is retried like an open's own
// write: the lease is renewed again, the flush goes through, each retry is logged at warn; and
// when renewals keep failing, the flush fails after the bounded attempts with
// SLATEDB_LEASE_UNCONFIRMED and writes nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryObjectStore, StateStoreManager, StreamstateError, withTransaction } from 'streamstate';
import { within } from './helpers/deadline.mjs';
import { leaseHookedStore } from './helpers/lease-testing.mjs';
import { captureLogger } from './helpers/state-logger.mjs';

const test = suite('slatedb: an unconfirmed lease at a transaction flush');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A manager on `store` with a 1 s lease (renewed every 333 ms). */
function managerOn(store, logger) {
  const manager = new StateStoreManager({
    backend: 'slatedb',
    logger,
    slatedbOptions: { objectStore: store, lockTtlMs: 1000, settings: { flushInterval: 10 } },
  });
  manager.registerStore('topic');
  return manager;
}

test('a renewal that succeeded slowly: the flush renews the lease again and goes through, logged at warn', () =>
  within(30_000, (async () => {
    const log = captureLogger();
    let slow = false;
    let slowStarted;
    const store = leaseHookedStore(new MemoryObjectStore(), { renewal: async () => {
      if (!slow) return;
      slow = false;
      slowStarted?.();
      await sleep(2000); // longer than the lease lives: when it ends, the renewed lease is already short
    } });
    const manager = managerOn(store, log.logger);
    try {
      const { default: partition } = await manager.onPartitionAssign('topic', 0);
      await withTransaction(partition, (tx) => tx.asState().set('before', 1));
      const started = new Promise((resolve) => (slowStarted = resolve));
      slow = true;
      await started;
      // Inside the slow renewal, past the point where less than one renewal interval is left.
      await sleep(1000);
      await withTransaction(partition, (tx) => tx.asState().set('during', 2));
      const retries = log.matching('warn', /A write on the SlateDB database at ".*" was held back, the lease is unconfirmed \(attempt 1\/3\); renewing it and retrying/);
      assert.is(retries.length, 1, log.lines.map((line) => `${line.level}: ${line.message}`).join('\n'));
      assert.match(retries[0], /renewing it succeeded but took \d+ ms/);
      const state = partition.begin().asState();
      assert.is(await state.get('before'), 1);
      assert.is(await state.get('during'), 2, 'the flush went through');
    } finally {
      await manager.close();
    }
  })(), 'slow renewal'),
);

test('renewals that keep failing: the flush fails after 3 attempts with SLATEDB_LEASE_UNCONFIRMED, nothing written', () =>
  within(30_000, (async () => {
    const log = captureLogger();
    let failing = false;
    let armed;
    const store = leaseHookedStore(new MemoryObjectStore(), { renewal: async () => {
      if (failing) throw new Error('the store is down for lease renewals');
      if (armed) {
        // This renewal succeeds; every one after it fails.
        failing = true;
        armed();
      }
    } });
    const manager = managerOn(store, log.logger);
    try {
      const { default: partition } = await manager.onPartitionAssign('topic', 0);
      await withTransaction(partition, (tx) => tx.asState().set('before', 1));
      await new Promise((resolve) => (armed = resolve));
      armed = undefined;
      // 800 ms after the last renewal that succeeded: less than one renewal interval (333 ms) of the
      // lease is left, and it has not expired.
      await sleep(800);
      let error;
      try {
        await withTransaction(partition, (tx) => tx.asState().set('during', 2));
      } catch (caught) {
        error = caught;
      }
      assert.instance(error, StreamstateError, String(error));
      assert.is(error.code, 'SLATEDB_LEASE_UNCONFIRMED', error.message);
      assert.match(error.message, /renewing it failed after \d+ ms: Error: the store is down for lease renewals/);
      assert.is(log.matching('warn', /the lease is unconfirmed \(attempt \d\/3\); renewing it and retrying/).length, 2);
      failing = false;
      assert.is(await partition.begin().asState().get('during'), undefined, 'nothing of the refused flush');
    } finally {
      await manager.close().catch(() => undefined);
    }
  })(), 'failing renewals'),
);

test.run();
