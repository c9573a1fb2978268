// The SlateDB lease (ts/backends/slatedb/database-lease.ts) on a manual clock: expiry, renewal,
// takeover and loss without real sleeps. DatabaseLease is internal, so it is read from the build.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryObjectStore, SlateDBLeaseLostError, SlateDBLeaseUnconfirmedError, SlateDBLockError } from 'streamstate';
import { DatabaseLease, readLease } from '../dist/backends/slatedb/database-lease.js';
import { rejectionOf } from './helpers/fixtures.mjs';
import { leaseHookedStore, manualClock } from './helpers/lease-testing.mjs';
import { captureLogger } from './helpers/state-logger.mjs';

const TTL = 10_000;
const RENEW = 3_000;
const KEY = 'db/.lock';

const request = (store, clock, log) => ({ store, key: KEY, path: 'db', ttlMs: TTL, renewIntervalMs: RENEW, logger: log.logger, clock });

const lease = suite('slatedb lease on a manual clock');

lease('a live lease refuses a contender until it expires; then the contender takes it over and the holder loses it', async () => {
  const store = new MemoryObjectStore();
  const clock = manualClock();
  const log = captureLogger();
  const holder = await DatabaseLease.acquire(request(store, clock, log));
  assert.is(holder.expiresAt, clock.now() + TTL);
  const contenderClock = manualClock(clock.now() + TTL - 1);
  const refused = await rejectionOf(DatabaseLease.acquire(request(store, contenderClock, log)));
  assert.instance(refused, SlateDBLockError);
  assert.match(refused.message, /expires in 1s unless renewed/);

  // The holder's renewals stopped (its process froze): its expiry passes on the contender's clock.
  const lateClock = manualClock(clock.now() + TTL + 1);
  const successor = await DatabaseLease.acquire(request(store, lateClock, log));
  assert.is(log.matching('warn', /Took over the expired lease/).length, 1);
  assert.is((await readLease(store, KEY, TTL)).expiresAt, lateClock.now() + TTL);

  await clock.advance(RENEW); // the holder wakes up and renews: the swap on its old etag fails
  const lost = await rejectionOf(holder.assertHeld());
  assert.instance(lost, SlateDBLeaseLostError);
  assert.match(lost.message, /replaced or deleted/);
  assert.is(clock.timers, 0, 'a lost lease stops renewing');
  await holder.release();
  assert.ok(await store.head(KEY), 'releasing a lost lease leaves the successor\'s object');
  await successor.release();
  assert.is(await readLease(store, KEY, TTL), undefined, 'released');
});

lease('renewals move the expiry forward every interval, so a contender stays refused past the first TTL', async () => {
  const store = new MemoryObjectStore();
  const clock = manualClock();
  const log = captureLogger();
  const holder = await DatabaseLease.acquire(request(store, clock, log));
  const first = holder.expiresAt;
  await clock.advance(3 * RENEW);
  assert.is(holder.expiresAt, clock.now() + TTL);
  assert.ok(holder.expiresAt > first);
  await holder.assertHeld();
  const contender = await rejectionOf(DatabaseLease.acquire(request(store, manualClock(first + 1), log)));
  assert.instance(contender, SlateDBLockError);
  await holder.release();
  assert.is(clock.timers, 0);
});

lease('renewals failing for a passing reason: writes are refused near expiry, and the lease is lost once it expires', async () => {
  const state = { failing: false };
  const store = leaseHookedStore(new MemoryObjectStore(), {
    renewal: async () => {
      if (state.failing) throw new Error('connection reset');
    },
  });
  const clock = manualClock();
  const log = captureLogger();
  const holder = await DatabaseLease.acquire(request(store, clock, log));
  state.failing = true;
  await clock.advance(2 * RENEW);
  assert.ok(log.matching('warn', /Could not renew the lease/).length >= 1);
  await holder.assertHeld(); // 4 s of the lease left: more than one renewal interval
  await clock.advance(RENEW + 500); // 500 ms left
  const unconfirmed = await rejectionOf(holder.assertHeld());
  assert.instance(unconfirmed, SlateDBLeaseUnconfirmedError);
  assert.match(unconfirmed.message, /connection reset/);
  await clock.advance(RENEW);
  const lost = await rejectionOf(holder.assertHeld());
  assert.instance(lost, SlateDBLeaseLostError);
  assert.match(lost.message, /expired while renewals failed/);
  state.failing = false;
  await holder.release();
});

lease.run();
