// Issue 8, item 6: a transaction flush on SlateDB whose lease is unconfirmed (its renewal succeeded
// too slowly, so too little of the lease is left to write safely) is retried like an open's own
// write: the lease is renewed again, the flush goes through, each retry is logged at warn; and
// when renewals keep failing, the flush fails after the bounded attempts with
// SLATEDB_LEASE_UNCONFIRMED and writes nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dumps, loads, MemoryObjectStore, SlateDbBackend, StorePartition, StreamstateError, withTransaction } from 'streamstate';
import { within } from './helpers/deadline.mjs';
import { leaseHookedStore, manualClock } from './helpers/lease-testing.mjs';
import { captureLogger } from './helpers/state-logger.mjs';

const test = suite('slatedb: an unconfirmed lease at a transaction flush');

/**
 * A store partition on SlateDB over `store`, with a 1 s lease (renewed every 250 ms) on a manual
 * clock: the flush goes through the state layer (transaction, partition) to the backend's write.
 */
async function partitionOn(store, clock, logger) {
  const backend = new SlateDbBackend({ objectStore: store, lockTtlMs: 1000, lockRenewIntervalMs: 250, settings: { flushInterval: 10 }, logger, clock });
  const db = await backend.open('topic/0');
  return new StorePartition(db, { storeName: 'topic', streamId: null, partition: 0, dumps, loads, logger });
}

test('a renewal that succeeded slowly: the flush renews the lease again and goes through, logged at warn', () => within(30_000, (async () => {
  const log = captureLogger();
  const clock = manualClock();
  let slow = false;
  let slowStarted;
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const store = leaseHookedStore(new MemoryObjectStore(), { renewal: async () => {
    if (!slow) return;
    slow = false;
    slowStarted();
    await gate;
    await clock.advance(250); // it started at 250 and ends at 1050: 800 ms, leaving 200 of the renewed lease
  } });
  const partition = await partitionOn(store, clock, log.logger);
  try {
    await withTransaction(partition, (tx) => tx.asState().set('before', 1));
    const started = new Promise((resolve) => (slowStarted = resolve));
    slow = true;
    await clock.advance(250); // the periodic renewal starts, and hangs on the gate
    await started;
    // 800 ms: less than one renewal interval of the first lease is left, so the flush joins the slow renewal.
    await clock.advance(550);
    const flushing = withTransaction(partition, (tx) => tx.asState().set('during', 2));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    release();
    await flushing;
    const retries = log.matching('warn', /A write on the SlateDB database at ".*" was held back, the lease is unconfirmed \(attempt 1\/3\); renewing it and retrying/);
    assert.is(retries.length, 1, log.lines.map((line) => `${line.level}: ${line.message}`).join('\n'));
    assert.match(retries[0], /renewing it succeeded but took 800 ms, so only 200 ms of the renewed lease are left, less than one renewal interval \(250 ms\)/);
    assert.is(log.matching('warn', /attempt 2\/3/).length, 0, 'the second attempt renewed in time');
    const state = partition.begin().asState();
    assert.is(await state.get('before'), 1);
    assert.is(await state.get('during'), 2, 'the flush went through');
  } finally {
    await partition.close();
  }
})(), 'slow renewal'));

test('renewals that keep failing: the flush fails after 3 attempts with SLATEDB_LEASE_UNCONFIRMED, nothing written', () => within(30_000, (async () => {
  const log = captureLogger();
  const clock = manualClock();
  let failing = false;
  const store = leaseHookedStore(new MemoryObjectStore(), { renewal: async () => {
    if (failing) throw new Error('the store is down for lease renewals');
  } });
  const partition = await partitionOn(store, clock, log.logger);
  try {
    await withTransaction(partition, (tx) => tx.asState().set('before', 1));
    failing = true;
    // 800 ms after the last renewal that succeeded: the periodic ones failed, less than one
    // renewal interval (250 ms) of the lease is left, and it has not expired.
    await clock.advance(800);
    let error;
    try {
      await withTransaction(partition, (tx) => tx.asState().set('during', 2));
    } catch (caught) {
      error = caught;
    }
    assert.instance(error, StreamstateError, String(error));
    assert.is(error.code, 'SLATEDB_LEASE_UNCONFIRMED', error.message);
    assert.match(error.message, /renewing it failed after 0 ms: Error: the store is down for lease renewals; 200 ms of it are left/);
    assert.is(log.matching('warn', /the lease is unconfirmed \(attempt \d\/3\); renewing it and retrying/).length, 2);
    failing = false;
    assert.is(await partition.begin().asState().get('during'), undefined, 'nothing of the refused flush');
  } finally {
    await partition.close().catch(() => undefined);
  }
})(), 'failing renewals'));

test.run();
