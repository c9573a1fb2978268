// The SlateDB backend: the Backend, state, windowed and timestamped conformance suites (unchanged)
// on the memory and local-file object stores, then what only SlateDB has: prefix-emulated column families, the lease
// (in-process, across processes, after a SIGKILL), fencing, corrupted manifests, and durability
// across a SIGKILL with awaitDurable on and off.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_CF,
  LocalFileObjectStore,
  MemoryObjectStore,
  SlateDb,
  SlateDbBackend,
  SlateDBCorruptedError,
  SlateDBFencedError,
  SlateDBLeaseLostError,
  SlateDBLeaseUnconfirmedError,
  SlateDBLockError,
  SlateDBStore,
  StateStoreManager,
  StoreCorruptedError,
  StoreLockError,
  StreamstateError,
  withTransaction,
} from 'streamstate';
import { backendSuite } from './conformance/backend-suite.mjs';
import { bytes, text } from './conformance/support.mjs';
import { MemoryChangelog } from './helpers/state-changelog.mjs';
import { leaseHookedStore, manualClock } from './helpers/lease-testing.mjs';
import { rejectionOf, withTemporaryDirectory } from './helpers/fixtures.mjs';
import { captureLogger } from './helpers/state-logger.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const helpers = path.join(here, 'helpers');
const FAST = { flushInterval: 10 };
const temporaryDirectory = (label) => mkdtemp(path.join(tmpdir(), `streamstate-slatedb-${label}-`));

async function entries(db, cf, options = {}) {
  const out = [];
  for await (const [key, value] of db.iterate({ cf, ...options })) out.push(`${text(key)}=${text(value)}`);
  return out;
}

// ---- the conformance suites --------------------------------------------------------------------

let databases = 0;
const onMemory = suite('backend: slatedb on the memory object store');
backendSuite(onMemory, assert, async () => {
  const backend = new SlateDbBackend({ objectStore: new MemoryObjectStore(), settings: FAST });
  const prefix = `suite-${++databases}`;
  return { backend, path: (name) => `${prefix}/${name}`, cleanup: async () => {} };
});
onMemory.run();

const onFiles = suite('backend: slatedb on local files');
backendSuite(onFiles, assert, async () => {
  const root = await temporaryDirectory('suite');
  const backend = new SlateDbBackend({ settings: FAST, objectStoreOptions: { file: { fsync: false } } });
  return { backend, path: (name) => path.join(root, name), cleanup: () => rm(root, { recursive: true, force: true }) };
});
onFiles.run();

// The state, windowed, timestamped and window-operator suites run on SlateDB from their own files
// (tests/helpers/backend-matrix.mjs).

// ---- destroy holds the lease -------------------------------------------------------------------

const destroying = suite('backend: slatedb destroy holds the lease');

destroying('an open while destroy is deleting is refused; afterwards the database opens empty', async () => {
  const store = new MemoryObjectStore();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let deletesStarted;
  const started = new Promise((resolve) => (deletesStarted = resolve));
  const gated = {
    put: (...a) => store.put(...a),
    get: (...a) => store.get(...a),
    head: (...a) => store.head(...a),
    list: (...a) => store.list(...a),
    copy: (...a) => store.copy(...a),
    delete: async (key) => {
      if (!key.endsWith('.lock')) {
        deletesStarted();
        await gate;
      }
      return store.delete(key);
    },
  };
  const backend = new SlateDbBackend({ objectStore: gated, settings: FAST });
  const db = await backend.open('doomed/db');
  await db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
  await db.close();
  const destroyed = backend.destroy('doomed/db');
  await started;
  const refused = await rejectionOf(backend.open('doomed/db'));
  assert.instance(refused, SlateDBLockError, 'an opener cannot start on a database being destroyed');
  release();
  await destroyed;
  assert.is(await backend.exists('doomed/db'), false);
  const fresh = await backend.open('doomed/db');
  assert.equal(await entries(fresh, DEFAULT_CF), []);
  await fresh.close();
});

destroying.run();

// ---- column families as key prefixes -----------------------------------------------------------

const families = suite('backend: slatedb column families as key prefixes');

families('families whose names extend or contain the separator stay apart, both ways, across reopen', async () => {
  const store = new MemoryObjectStore();
  const backend = new SlateDbBackend({ objectStore: store, settings: FAST });
  const names = ['a', 'a:', 'a::', 'a::b', 'alpha', 'alphabet', ':', '::', '%3A', '%', 'é/ü', DEFAULT_CF];
  const db = await backend.open('families/db');
  try {
    await db.write(names.flatMap((cf) => [
      { cf, key: bytes('k'), value: bytes(cf) },
      { cf, key: bytes(`only-${cf}`), value: bytes(cf) },
    ]));
    for (const cf of names) {
      const expected = [`k=${cf}`, `only-${cf}=${cf}`];
      assert.equal(await entries(db, cf), expected, `forward in ${JSON.stringify(cf)}`);
      assert.equal(await entries(db, cf, { reverse: true }), [...expected].reverse(), `reverse in ${JSON.stringify(cf)}`);
      assert.equal(await entries(db, cf, { gte: bytes('a'), reverse: true }), [...expected].reverse(), `reverse with a lower bound in ${JSON.stringify(cf)}`);
      assert.is(text(await db.get(cf, bytes('k'))), cf);
    }
  } finally {
    await db.close();
  }
  const reopened = await backend.open('families/db');
  try {
    assert.equal([...(await reopened.listColumnFamilies())].sort(), [...names].sort(), 'every name round-trips through the registry');
  } finally {
    await reopened.close();
  }
  // What SlateDB holds: every family prefixed, `default` included, names escaped.
  const raw = await SlateDb.open('families/db', { objectStore: store });
  try {
    const keys = [];
    for await (const [key] of raw.scan({})) keys.push(text(key));
    assert.ok(keys.includes('__cf::default::k'), keys.join(' '));
    assert.ok(keys.includes('__cf::a%3A%3Ab::k'), keys.join(' '));
    assert.ok(keys.includes('__cf::%253A::k'), keys.join(' '));
    assert.ok(keys.includes('__families::alphabet'), keys.join(' '));
    assert.ok(keys.every((key) => key.startsWith('__cf::') || key.startsWith('__families::')), keys.join(' '));
  } finally {
    await raw.close();
  }
});

families('names that cannot be stored faithfully are refused; keys are limited by SlateDB\'s 65535 bytes', async () => {
  const backend = new SlateDbBackend({ objectStore: new MemoryObjectStore(), settings: FAST });
  const db = await backend.open('limits/db');
  try {
    for (const cf of ['', '\ud800', 'x\udc00y']) {
      const error = await rejectionOf(db.write([{ cf, key: bytes('k'), value: bytes('v') }]));
      assert.is(error.code, 'BACKEND_INVALID_ARGUMENT', JSON.stringify(cf));
    }
    const tooLong = new Uint8Array(65535 - '__cf::default::'.length + 1);
    assert.is((await rejectionOf(db.write([{ cf: DEFAULT_CF, key: tooLong, value: bytes('v') }]))).code, 'BACKEND_INVALID_ARGUMENT');
    await db.write([{ cf: DEFAULT_CF, key: tooLong.subarray(1), value: bytes('v') }]);
    assert.is(text(await db.get(DEFAULT_CF, tooLong.subarray(1))), 'v', 'the longest key that fits');
    assert.is((await rejectionOf(backend.open('limits/other', { columnFamilies: [''] }))).code, 'BACKEND_INVALID_ARGUMENT');
  } finally {
    await db.close();
  }
});

families.run();

// ---- read paths: read-ahead of whole-family scans, the block-cache warm-up -----------------------

const reads = suite('backend: slatedb read paths');

/** A MemoryObjectStore whose gets of SSTs (`compacted/`, where L0 and compacted SSTs live) are counted. */
function countedMemoryStore() {
  const store = new MemoryObjectStore();
  const counts = { gets: 0, byKey: new Map() };
  const get = store.get.bind(store);
  store.get = (key, options) => {
    if (key.includes('/compacted/')) {
      counts.gets++;
      counts.byKey.set(key, (counts.byKey.get(key) ?? 0) + 1);
    }
    return get(key, options);
  };
  return { store, counts };
}

/** Writes `n` keys of ~100 bytes in batches, flushes them into SSTs, and closes. */
async function writeFlushed(backend, dbPath, n) {
  const db = await backend.open(dbPath);
  try {
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let k = i; k < Math.min(i + 1000, n); k++) batch.push({ cf: DEFAULT_CF, key: bytes(`key-${String(k).padStart(6, '0')}`), value: bytes('v'.repeat(100)) });
      await db.write(batch);
    }
  } finally {
    await db.close();
  }
}

reads('a scan of a whole family reads ahead: far fewer object reads than a bounded scan of the same keys', async () => {
  const { store, counts } = countedMemoryStore();
  // No compactor, so both reopened scans see the same L0 SSTs (~2 MB, ~500 blocks of 4 KiB: the
  // block size is set, the default being 16 KiB).
  const backend = new SlateDbBackend({ objectStore: store, settings: { ...FAST, compactorOptions: null, l0SstSizeBytes: 512 * 1024, sstBlockSize: 4096 } });
  const n = 16_000;
  await writeFlushed(backend, 'reads/ahead', n);
  const scanAfterReopen = async (options) => {
    const db = await backend.open('reads/ahead');
    try {
      const before = counts.gets;
      let read = 0;
      for await (const _ of db.iterate({ cf: DEFAULT_CF, ...options })) read++;
      assert.is(read, n, 'every key read back');
      return counts.gets - before;
    } finally {
      await db.close();
    }
  };
  const bounded = await scanAfterReopen({ gte: bytes('key-'), lt: bytes('key-999999') });
  const whole = await scanAfterReopen({});
  assert.ok(bounded > 200, `a bounded scan reads block by block (${bounded} object reads)`);
  assert.ok(whole * 10 < bounded, `the whole-family scan read ahead: ${whole} object reads against ${bounded}`);
});

reads('warmBlockCache fills the cache: point reads after it fetch no data blocks, and it stops at its byte budget', async () => {
  const { store, counts } = countedMemoryStore();
  // L0 SSTs of 2 MiB: most keys are in SSTs after the reopen (not in the memtable the WAL replays
  // into), and each SST is larger than one 1 MiB read-ahead (a scan's first fetch of every SST).
  const backend = new SlateDbBackend({ objectStore: store, settings: { ...FAST, compactorOptions: null, l0SstSizeBytes: 2 * 1024 * 1024 } });
  const n = 40_000;
  await writeFlushed(backend, 'reads/warm', n);
  let db = await backend.open('reads/warm');
  try {
    await db.warmBlockCache();
    counts.byKey.clear();
    for (let k = 0; k < n; k += 7) assert.is(text(await db.get(DEFAULT_CF, bytes(`key-${String(k).padStart(6, '0')}`))), 'v'.repeat(100));
    // A scan reads data blocks, not bloom filters: the first point read of an SST fetches its filter
    // (one read per SST); no data block is fetched again.
    const repeated = [...counts.byKey].filter(([, times]) => times > 1);
    assert.equal(repeated, [], 'no SST was read more than once after the warm-up');
  } finally {
    await db.close();
  }
  // A budget of one byte stops after the scan's first fetch of each SST: reads past it go to the store.
  db = await backend.open('reads/warm');
  try {
    await db.warmBlockCache(1);
    const before = counts.gets;
    for (let k = 0; k < n; k += 7) await db.get(DEFAULT_CF, bytes(`key-${String(k).padStart(6, '0')}`));
    assert.ok(counts.gets - before > 50, `a 1-byte budget left the cache cold (${counts.gets - before} object reads)`);
  } finally {
    await db.close();
  }
});

reads('a warm-up in progress does not hold up close, and reads meanwhile are right', async () => {
  const backend = new SlateDbBackend({ objectStore: new MemoryObjectStore(), settings: { ...FAST, compactorOptions: null } });
  await writeFlushed(backend, 'reads/close', 4_000);
  const db = await backend.open('reads/close');
  const warming = db.warmBlockCache();
  assert.is(text(await db.get(DEFAULT_CF, bytes('key-003999'))), 'v'.repeat(100));
  await db.close();
  await warming;
  const error = await rejectionOf(db.get(DEFAULT_CF, bytes('key-000001')));
  assert.is(error.code, 'BACKEND_CLOSED');
});

reads.run();

// ---- the lease, fencing, settings ------------------------------------------------------------------

const lease = suite('backend: slatedb lease and fencing');

lease('a second backend instance on the same store gets SlateDBLockError naming the holder', async () => {
  const store = new MemoryObjectStore();
  const first = await new SlateDbBackend({ objectStore: store, settings: FAST }).open('held/db');
  try {
    const error = await rejectionOf(new SlateDbBackend({ objectStore: store, settings: FAST }).open('held/db'));
    assert.instance(error, SlateDBLockError);
    assert.instance(error, StoreLockError);
    assert.is(error.code, 'SLATEDB_LOCKED');
    assert.is(error.path, 'held/db');
    assert.match(error.message, new RegExp(`held by another opener \\(process ${process.pid}`));
    assert.ok((await store.list('held/db/')).some((meta) => meta.key === 'held/db/.lock'), 'the lease object is <db>/.lock');
  } finally {
    await first.close();
  }
  assert.ok(!(await store.list('held/db/')).some((meta) => meta.key === 'held/db/.lock'), 'close deletes the lease');
});

lease('an expired lease is taken over (logged); a live one with a foreign holder is not', async () => {
  const store = new MemoryObjectStore();
  const log = captureLogger();
  const backend = new SlateDbBackend({ objectStore: store, settings: FAST, logger: log.logger });
  const lease = (expiresAt) => bytes(JSON.stringify({ owner: 'someone', holder: 'process 1 on a dead host', expiresAt, renewals: 3 }));
  await store.put('stale/db/.lock', lease(Date.now() - 1000));
  const db = await backend.open('stale/db');
  await db.close();
  assert.is(log.matching('warn', /Took over the expired lease of the SlateDB database at "stale\/db" \(held by process 1 on a dead host/).length, 1);
  await store.put('live/db/.lock', lease(Date.now() + 60_000));
  const error = await rejectionOf(backend.open('live/db'));
  assert.instance(error, SlateDBLockError);
  assert.match(error.message, /process 1 on a dead host/);
  assert.instance(await rejectionOf(backend.destroy('live/db')), SlateDBLockError, 'destroy refuses a live lease too');
  await store.put('garbage/db/.lock', bytes('not json'));
  assert.instance(await rejectionOf(backend.open('garbage/db')), SlateDBLockError, 'an unreadable lease counts from its last write');
});

lease('the lease is renewed while open, so a contender keeps failing past its time to live', async () => {
  const store = new MemoryObjectStore();
  const clock = manualClock(Date.now());
  const options = { objectStore: store, settings: FAST, lockTtlMs: 1000, lockRenewIntervalMs: 100, clock };
  const db = await new SlateDbBackend(options).open('renewed/db');
  try {
    await clock.advance(1500);
    assert.instance(await rejectionOf(new SlateDbBackend(options).open('renewed/db')), SlateDBLockError);
    await db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
    const record = JSON.parse(text((await store.get('renewed/db/.lock')).data));
    assert.is(record.renewals, 15, 'one renewal per 100 ms');
    assert.is(record.expiresAt, clock.now() + 1000, 'the last renewal set the expiry one time to live ahead');
  } finally {
    await db.close();
  }
  assert.is(clock.timers, 0, 'close stops the renewals');
});

lease('a lost lease refuses the next write with SLATEDB_LEASE_LOST', async () => {
  const store = new MemoryObjectStore();
  const log = captureLogger();
  const clock = manualClock(Date.now());
  const db = await new SlateDbBackend({ objectStore: store, settings: FAST, lockTtlMs: 1000, lockRenewIntervalMs: 100, logger: log.logger, clock }).open('lost/db');
  try {
    await store.put('lost/db/.lock', bytes(JSON.stringify({ owner: 'thief', holder: 'a thief', expiresAt: clock.now() + 60_000, renewals: 0 })));
    await db.write([{ cf: DEFAULT_CF, key: bytes('before'), value: bytes('1') }]);
    assert.is(log.matching('error', /lease/).length, 0, 'not noticed before the next renewal');
    await clock.advance(100);
    assert.is(clock.timers, 0, 'a lost lease stops renewing');
    const error = await rejectionOf(db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]));
    assert.instance(error, SlateDBLeaseLostError);
    assert.is(error.code, 'SLATEDB_LEASE_LOST');
    assert.match(error.message, /lockTtlMs/);
    assert.is(log.matching('error', /lease on the SlateDB database at "lost\/db" is lost/).length, 1);
  } finally {
    await db.close();
  }
  assert.match(text((await store.get('lost/db/.lock')).data), /thief/, 'the successor\'s lease is left alone at close');
});

lease('a writer that opens without the lease fences the holder: SLATEDB_FENCED', async () => {
  const store = new MemoryObjectStore();
  const db = await new SlateDbBackend({ objectStore: store, settings: FAST }).open('fenced/db');
  await db.write([{ cf: DEFAULT_CF, key: bytes('before'), value: bytes('1') }]);
  const intruder = await SlateDb.open('fenced/db', { objectStore: store, settings: FAST });
  try {
    const error = await rejectionOf(db.write([{ cf: DEFAULT_CF, key: bytes('after'), value: bytes('2') }]));
    assert.instance(error, SlateDBFencedError);
    assert.is(error.code, 'SLATEDB_FENCED');
    assert.match(error.message, /newer writer/);
    assert.is(text(await intruder.get(bytes('__cf::default::before'))), '1');
  } finally {
    await db.close();
    await intruder.close();
  }
});

lease('invalid settings are refused with BACKEND_INVALID_ARGUMENT', async () => {
  for (const settings of [
    { awaitDurable: 'yes' },
    { lockTtlMs: 0 },
    { lockTtlMs: 2000, lockRenewIntervalMs: 2000 },
    { objectStore: { put() {} } },
    { objectStore: 'ftp://host/x' },
    { settings: [] },
    { settings: { flushIntervall: 10 } },
  ]) {
    const backend = new SlateDbBackend({ objectStore: new MemoryObjectStore() });
    const error = await rejectionOf(backend.open('settings/db', { settings }));
    assert.is(error.code, 'BACKEND_INVALID_ARGUMENT', `${JSON.stringify(settings)}: ${error.message}`);
  }
  assert.is((await rejectionOf(() => new SlateDbBackend({ lockTtlMs: -1 }))).code, 'BACKEND_INVALID_ARGUMENT');
});

/** A store over `base` whose first engine call moves `clock` by 700 ms (a slow open), and whose lease renewals first run `renewal(n)`. */
function slowOpenStore(base, clock, renewal) {
  let delayed = false;
  const engine = async () => {
    if (delayed) return;
    delayed = true;
    await clock.advance(700);
  };
  return leaseHookedStore(base, { renewal, engine });
}

lease('an unconfirmed lease at open (a renewal that succeeded slowly) is retried by the open, and logged saying so', async () => {
  const log = captureLogger();
  const clock = manualClock();
  // lockTtlMs 1000 renews every 333 ms. The engine's open takes 700 ms, during which both renewals
  // fail (the store is briefly down); the open's first write finds 300 ms left, less than a renewal
  // interval, and renews at once: that renewal succeeds but takes 750 ms, leaving 250 ms.
  const store = slowOpenStore(new MemoryObjectStore(), clock, async (n) => {
    if (n <= 2) throw new Error('the store is briefly down');
    if (n === 3) await clock.advance(750);
  });
  const backend = new SlateDbBackend({ objectStore: store, settings: FAST, lockTtlMs: 1000, logger: log.logger, clock });
  const db = await backend.open('slow/db', { columnFamilies: ['extra'] });
  try {
    assert.ok((await db.listColumnFamilies()).includes('extra'));
    assert.is(log.matching('warn', /Could not renew the lease of the SlateDB database at "slow\/db" \(Error: the store is briefly down\); retrying/).length, 2);
    const retries = log.matching('warn', /creating its column families was refused, the lease is unconfirmed \(attempt 1\/3\); retrying/);
    assert.is(retries.length, 1, log.lines.map((line) => line.message).join('\n'));
    assert.match(retries[0], /renewing it succeeded but took 750 ms, so only 250 ms of the renewed lease are left, less than one renewal interval \(333 ms\)/);
    assert.is(log.matching('warn', /attempt 2\/3/).length, 0, 'the second attempt renewed in time');
  } finally {
    await db.close();
  }
});

lease('an unconfirmed lease whose renewals fail ends the open, after its bounded retries, with SlateDBLeaseUnconfirmedError', async () => {
  const log = captureLogger();
  const clock = manualClock();
  const store = slowOpenStore(new MemoryObjectStore(), clock, async () => {
    throw new Error('the store is down for lease renewals');
  });
  const backend = new SlateDbBackend({ objectStore: store, settings: FAST, lockTtlMs: 1000, logger: log.logger, clock });
  const error = await rejectionOf(backend.open('failing/db', { columnFamilies: ['extra'] }));
  assert.instance(error, SlateDBLeaseUnconfirmedError);
  assert.instance(error, StreamstateError);
  assert.is(error.code, 'SLATEDB_LEASE_UNCONFIRMED');
  assert.is(error.path, 'failing/db');
  assert.match(error.message, /renewing it failed after 0 ms: Error: the store is down for lease renewals; 300 ms of it are left/);
  assert.match(error.message, /nothing was written; retry it/);
  assert.is(log.matching('warn', /the lease is unconfirmed \(attempt \d\/3\)/).length, 2);
  assert.is(clock.timers, 0, 'the failed open stopped renewing');
});

lease('lease timings out of range are refused (1 s to 1 day; renewal 100 ms to half the time to live), never scheduled', async () => {
  const refused = [
    [{ lockTtlMs: 1e12 }, /lockTtlMs must be a number of milliseconds from 1000 \(1 s\) to 86400000 \(1 day\), got number 1000000000000/],
    [{ lockTtlMs: 0.001 }, /lockTtlMs must be a number of milliseconds from 1000/],
    [{ lockTtlMs: 999 }, /lockTtlMs must be/],
    [{ lockTtlMs: Infinity }, /lockTtlMs must be/],
    [{ lockTtlMs: '10000' }, /got "10000"/],
    [{ lockTtlMs: 10_000, lockRenewIntervalMs: 50 }, /lockRenewIntervalMs must be a number of milliseconds from 100 to half of lockTtlMs \(5000\)/],
    [{ lockTtlMs: 10_000, lockRenewIntervalMs: 5001 }, /lockRenewIntervalMs must be/],
    [{ lockRenewIntervalMs: NaN }, /lockRenewIntervalMs must be/],
  ];
  for (const [settings, pattern] of refused) {
    const store = new MemoryObjectStore();
    const backend = new SlateDbBackend({ objectStore: store });
    const error = await rejectionOf(backend.open('timings/db', { settings }));
    assert.is(error.code, 'BACKEND_INVALID_ARGUMENT', `${JSON.stringify(settings)}: ${error.message}`);
    assert.match(error.message, pattern);
    assert.equal(await store.list(''), [], `${JSON.stringify(settings)}: nothing was written (no lease taken)`);
    const manager = new StateStoreManager({ stateDir: '/unused', backend: 'slatedb', slatedbOptions: settings });
    const optionsError = await rejectionOf(() => manager.registerStore('topic'));
    assert.is(optionsError.code, 'INVALID_OPTIONS', `${JSON.stringify(settings)}: ${optionsError.message}`);
    assert.match(optionsError.message, /slatedbOptions\.lock(TtlMs|RenewIntervalMs) must be/);
  }
  for (const settings of [{ lockTtlMs: 1000 }, { lockTtlMs: 86_400_000, lockRenewIntervalMs: 43_200_000 }, { lockTtlMs: 1000, lockRenewIntervalMs: 100 }]) {
    const db = await new SlateDbBackend({ objectStore: new MemoryObjectStore(), settings: FAST }).open('timings/db', { settings });
    await db.close();
  }
});

lease.run();

// ---- where databases live ------------------------------------------------------------------------

const layout = suite('backend: slatedb database locations');

layout('local state keeps RocksDB\'s layout: <stateDir>/<group>/<store>/<stream>/<partition>/manifest', async () => {
  await withTemporaryDirectory('streamstate-slatedb-layout-', async (stateDir) => {
    const manager = new StateStoreManager({ stateDir, groupId: 'group', backend: 'slatedb', slatedbOptions: { settings: FAST } });
    manager.registerStore('topic', 'counts');
    const { counts } = await manager.onPartitionAssign('topic', 3);
    await withTransaction(counts, (tx) => tx.asState().set('k', 1));
    assert.ok(existsSync(path.join(stateDir, 'group', 'counts', 'topic', '3', '.lock')), 'the lease beside the data');
    await manager.close();
    const manifests = new LocalFileObjectStore(stateDir);
    assert.ok((await manifests.list('group/counts/topic/3/manifest/')).length > 0, 'a manifest in the partition directory');
  });
});

layout('with an objectStore, partitions are keyed <store>/<stream>/<partition> under it, on every machine', async () => {
  const store = new MemoryObjectStore();
  for (const stateDir of ['/srv/one/state', '/home/other/state']) {
    const manager = new StateStoreManager({ stateDir, groupId: 'group', backend: 'slatedb', slatedbOptions: { objectStore: store, settings: FAST } });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const tx = partition.begin();
    tx.asState().set('visits', ((await tx.asState().get('visits')) ?? 0) + 1);
    await tx.prepare();
    await tx.flush();
    await manager.close();
  }
  assert.ok((await store.list('default/topic/0/manifest/')).length > 0);
  const manager = new StateStoreManager({ stateDir: '/x', groupId: 'group', backend: 'slatedb', slatedbOptions: { objectStore: store } });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  assert.is(await partition.begin().asState().get('visits'), 2, 'the second "machine" found the first one\'s state');
  await manager.close();
  const destroyed = await manager.getStore('topic').destroyPartition(0);
  assert.is(destroyed, true);
  assert.equal(await store.list('default/topic/0/'), [], 'destroy deleted every object of the partition');
});

layout('a store registered per store on another backend: registerStore(..., { backend: "slatedb" })', async () => {
  const manager = new StateStoreManager({ stateDir: `memory://slatedb-per-store-${process.pid}`, backend: 'memory' });
  const store = manager.registerStore('topic', 'durable', { backend: 'slatedb' });
  assert.instance(store, SlateDBStore);
  assert.is(store.storeBackend.name, 'slatedb');
  await manager.close();
});

layout('SlateDB options are validated with clear errors', async () => {
  for (const [options, pattern] of [
    [{ objectStore: 'ftp://nope' }, /slatedbOptions\.objectStore must be an ObjectStore/],
    [{ awaitDurable: 1 }, /slatedbOptions\.awaitDurable must be a boolean/],
    [{ lockTtlMs: 1000, lockRenewIntervalMs: 2000 }, /slatedbOptions\.lockRenewIntervalMs must be a number of milliseconds from 100 to half of slatedbOptions\.lockTtlMs \(500\)/],
    [{ settings: 'fast' }, /slatedbOptions\.settings must be an object of SlateDB settings/],
  ]) {
    const manager = new StateStoreManager({ stateDir: '/unused', backend: 'slatedb', slatedbOptions: options });
    const error = await rejectionOf(() => manager.registerStore('topic'));
    assert.is(error.code, 'INVALID_OPTIONS');
    assert.match(error.message, pattern);
  }
});

layout.run();

// ---- corruption ------------------------------------------------------------------------------------

const corruption = suite('slatedb: corrupted manifests');

/** Replace every manifest object of the database under `key` with what `garble(bytes)` returns. */
async function garbleManifests(store, key, garble) {
  const manifests = (await store.list(`${key}/manifest/`)).filter((meta) => meta.key.endsWith('.manifest'));
  assert.ok(manifests.length > 0, `manifests under ${key}/manifest/`);
  for (const { key: manifest } of manifests) {
    const { data } = await store.get(manifest);
    await store.put(manifest, garble(data));
  }
}

for (const [what, garble] of [
  ['a garbage manifest', (data) => new Uint8Array(Math.max(64, data.length)).fill(0x5a)],
  ['a truncated manifest', (data) => data.subarray(0, Math.floor(data.length / 2))],
]) {
  corruption(`${what}: SlateDBCorruptedError, the lease released; destroy then reopen gives an empty database`, async () => {
    const store = new MemoryObjectStore();
    const backend = new SlateDbBackend({ objectStore: store, settings: FAST });
    const db = await backend.open('corrupt/db');
    await db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
    await db.close();
    await garbleManifests(store, 'corrupt/db', garble);
    const error = await rejectionOf(backend.open('corrupt/db'));
    assert.instance(error, SlateDBCorruptedError);
    assert.instance(error, StoreCorruptedError);
    assert.is(error.code, 'SLATEDB_CORRUPTED');
    assert.is(error.path, 'corrupt/db');
    assert.ok(error.cause !== undefined, 'the engine error is the cause');
    assert.ok(!(await store.list('corrupt/db/')).some((meta) => meta.key.endsWith('/.lock')), 'the failed open released its lease');
    assert.is(await backend.exists('corrupt/db'), true);
    await backend.destroy('corrupt/db');
    assert.equal(await store.list('corrupt/db/'), []);
    const fresh = await backend.open('corrupt/db');
    try {
      assert.is(await fresh.get(DEFAULT_CF, bytes('k')), undefined);
    } finally {
      await fresh.close();
    }
  });
}

corruption('a corrupted SST met by a read (after open): SlateDBCorruptedError from get and iterate', async () => {
  const store = new MemoryObjectStore();
  const backend = new SlateDbBackend({ objectStore: store, settings: FAST });
  const db = await backend.open('sst/db');
  await db.write(Array.from({ length: 100 }, (_, i) => ({ cf: DEFAULT_CF, key: bytes(`k${i}`), value: bytes(`v${i}`) })));
  await db.close();
  const ssts = (await store.list('sst/db/compacted/')).filter((meta) => meta.key.endsWith('.sst'));
  assert.ok(ssts.length > 0, 'close wrote the memtable as an SST');
  for (const { key, size } of ssts) await store.put(key, new Uint8Array(size).fill(0x5a));
  const reopened = await backend.open('sst/db');
  try {
    for (const read of [() => reopened.get(DEFAULT_CF, bytes('k1')), () => entries(reopened, DEFAULT_CF)]) {
      const error = await rejectionOf(read);
      assert.instance(error, SlateDBCorruptedError);
      assert.match(error.message, /checksum/);
    }
  } finally {
    await reopened.close();
  }
});

async function corruptPartition(stateDir, options) {
  const manager = new StateStoreManager({ stateDir, backend: 'slatedb', ...options, slatedbOptions: { settings: FAST } });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  await withTransaction(partition, (tx) => tx.asState().set('k', 'v'));
  await manager.close();
  await garbleManifests(new LocalFileObjectStore(stateDir), 'default/topic/0', (data) => data.subarray(0, 10));
}

corruption('a corrupted partition without a changelog: SlateDBCorruptedError, objects left alone', async () => {
  await withTemporaryDirectory('streamstate-slatedb-corrupt-', async (stateDir) => {
    await corruptPartition(stateDir, {});
    const before = (await new LocalFileObjectStore(stateDir).list('default/topic/0/')).map((meta) => meta.key);
    const manager = new StateStoreManager({ stateDir, backend: 'slatedb' });
    manager.registerStore('topic');
    const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
    assert.instance(error, SlateDBCorruptedError);
    assert.match(error.message, /is corrupted and cannot be recovered from the changelog topic/);
    assert.equal((await new LocalFileObjectStore(stateDir).list('default/topic/0/')).map((meta) => meta.key), before);
  });
});

corruption('a corrupted partition with onCorruptedRecreate false: SlateDBCorruptedError saying so', async () => {
  await withTemporaryDirectory('streamstate-slatedb-corrupt-', async (stateDir) => {
    const changelog = new MemoryChangelog();
    await corruptPartition(stateDir, { changelogProducerFactory: changelog.factory });
    const manager = new StateStoreManager({
      stateDir,
      backend: 'slatedb',
      changelogProducerFactory: changelog.factory,
      slatedbOptions: { onCorruptedRecreate: false },
    });
    manager.registerStore('topic');
    const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
    assert.instance(error, SlateDBCorruptedError);
    assert.match(error.message, /`onCorruptedRecreate` is set to false/);
  });
});

corruption('a corrupted partition with a changelog is recreated empty, logged before and after, rebuilt by recovery', async () => {
  await withTemporaryDirectory('streamstate-slatedb-corrupt-', async (stateDir) => {
    const changelog = new MemoryChangelog();
    await corruptPartition(stateDir, { changelogProducerFactory: changelog.factory });
    const log = captureLogger();
    const manager = new StateStoreManager({
      stateDir,
      backend: 'slatedb',
      changelogProducerFactory: changelog.factory,
      logger: log.logger,
      slatedbOptions: { settings: FAST },
    });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const messages = log.lines.map((line) => `${line.level}: ${line.message}`).join('\n');
    const before = log.lines.findIndex((line) => line.level === 'warn' && /slatedb partition is corrupted[\s\S]*deleting it/.test(line.message));
    const after = log.lines.findIndex((line) => line.level === 'info' && /Recreated the corrupted slatedb partition/.test(line.message));
    assert.ok(before >= 0 && after > before, messages);
    assert.ok(log.lines.some((line) => line.level === 'info' && /^Opened slatedb partition\./.test(line.message)), messages);
    assert.is(await partition.begin().asState().get('k'), undefined, 'recreated empty');
    for (const message of changelog.messages(changelog.bound[0].name, 0)) await partition.recoverFromChangelogMessage(message, {});
    assert.is(await partition.begin().asState().get('k'), 'v', 'rebuilt from the changelog');
    await manager.close();
  });
});

corruption.run();

// ---- other processes ------------------------------------------------------------------------------

const processes = suite('slatedb: two processes on one local partition');

function startHolder(stateDir, lockTtlMs) {
  const child = spawn(process.execPath, [path.join(helpers, 'slatedb-partition-holder.mjs'), stateDir, String(lockTtlMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const opened = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => chunk.toString().includes('open') && resolve());
    child.on('exit', (code) => reject(new Error(`the holding child exited early (${code})`)));
  });
  return { child, exited, opened };
}

processes('the second process retries with backoff, then fails with SlateDBLockError; opens once the holder closes', async () => {
  await withTemporaryDirectory('streamstate-slatedb-processes-', async (stateDir) => {
    const { child, exited, opened } = startHolder(stateDir, 10_000);
    try {
      await opened;
      const log = captureLogger();
      const manager = new StateStoreManager({
        stateDir,
        groupId: 'group',
        backend: 'slatedb',
        slatedbOptions: { openMaxRetries: 4, openRetryBackoffMs: 25, settings: FAST },
        logger: log.logger,
      });
      manager.registerStore('topic');
      const error = await rejectionOf(manager.onPartitionAssign('topic', 0));
      assert.instance(error, SlateDBLockError);
      assert.is(error.code, 'SLATEDB_LOCKED');
      assert.is(error.path, path.join(stateDir, 'group', 'default', 'topic', '0'));
      assert.match(error.message, /gave up after 4 attempt\(s\)/);
      assert.instance(error.cause, SlateDBLockError);
      assert.match(error.cause.message, new RegExp(`held by another opener \\(process ${child.pid}`));
      const retries = log.matching('warn', /Failed to open slatedb partition, cannot acquire a lock \(attempt \d\/4\)\. Retrying in 0\.025sec\./);
      assert.is(retries.length, 3);
      child.stdin.end();
      await exited;
      const { default: partition } = await manager.onPartitionAssign('topic', 0);
      assert.is(await partition.begin().asState().get('holder'), 'child');
      await manager.close();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

processes('a SIGKILLed holder\'s lease is taken over once it expires', async () => {
  await withTemporaryDirectory('streamstate-slatedb-processes-', async (stateDir) => {
    const lockTtlMs = 1500;
    const { child, exited, opened } = startHolder(stateDir, lockTtlMs);
    await opened;
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const log = captureLogger();
    const manager = new StateStoreManager({
      stateDir,
      groupId: 'group',
      backend: 'slatedb',
      slatedbOptions: { openMaxRetries: 40, openRetryBackoffMs: 100, lockTtlMs, settings: FAST },
      logger: log.logger,
    });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const waited = Date.now() - killedAt;
    assert.ok(log.matching('warn', /cannot acquire a lock/).length >= 1, 'retried while the lease was live');
    assert.is(log.matching('warn', /Took over the expired lease .* \(held by process \d+/).length, 1, log.lines.map((line) => line.message).join('\n'));
    assert.ok(waited < lockTtlMs + 2000, `opened ${waited} ms after the kill`);
    assert.is(await partition.begin().asState().get('holder'), 'child', 'the killed holder\'s flushed write is there');
    await manager.close();
  });
});

processes.run();

// ---- durability across a SIGKILL ------------------------------------------------------------------

const durability = suite('slatedb: durability across a SIGKILL');

/** Runs the durability writer to its self-inflicted SIGKILL; resolves to its flush lines. */
async function runWriter(stateDir, changelogFile, { awaitDurable, flushInterval, count, pauseMs }) {
  const child = spawn(
    process.execPath,
    [path.join(helpers, 'slatedb-durability-writer.mjs'), stateDir, changelogFile, awaitDurable ? 'on' : 'off', String(flushInterval), String(count), String(pauseMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, exitSignal) => resolve(exitSignal)));
  assert.is(signal, 'SIGKILL', output);
  const flushed = output
    .split('\n')
    .filter((line) => line.startsWith('flushed '))
    .map((line) => line.split(' ').slice(1).map(Number))
    .map(([transaction, offset, at]) => ({ transaction, offset, at }));
  const killedAt = Number(/^kill (\d+)$/m.exec(output)?.[1]);
  assert.is(flushed.length, count, output);
  return { flushed, killedAt };
}

async function reopenAfterKill(stateDir) {
  const manager = new StateStoreManager({ stateDir, groupId: 'group', backend: 'slatedb', slatedbOptions: { settings: FAST, lockTtlMs: 1000, openMaxRetries: 30, openRetryBackoffMs: 200 } });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  return { manager, partition };
}

async function changelogMessages(file) {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map(({ key, value, headers, offset }) => ({
      key: Buffer.from(key, 'base64'),
      value: value === null ? null : Buffer.from(value, 'base64'),
      headers: Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, Buffer.from(header, 'base64')])),
      offset,
    }));
}

durability('awaitDurable on: a process killed right after flush() resolved loses nothing', async () => {
  await withTemporaryDirectory('streamstate-slatedb-durable-', async (stateDir) => {
    const changelogFile = path.join(stateDir, 'changelog.jsonl');
    const { flushed } = await runWriter(stateDir, changelogFile, { awaitDurable: true, flushInterval: 10, count: 25, pauseMs: 0 });
    const { manager, partition } = await reopenAfterKill(stateDir);
    try {
      const state = partition.begin().asState();
      assert.is(await state.get('last'), 25);
      for (let i = 1; i <= 25; i++) assert.is(await state.get(`key-${i}`), i);
      assert.is(await partition.getChangelogOffset(), flushed.at(-1).offset, 'the offset flushed with the last transaction');
    } finally {
      await manager.close();
    }
  });
});

durability('awaitDurable off: loss is bounded by the flush interval and consistent; changelog replay restores the rest', async () => {
  await withTemporaryDirectory('streamstate-slatedb-durable-', async (stateDir) => {
    const changelogFile = path.join(stateDir, 'changelog.jsonl');
    const flushInterval = 200;
    const { flushed, killedAt } = await runWriter(stateDir, changelogFile, { awaitDurable: false, flushInterval, count: 40, pauseMs: 40 });
    const { manager, partition } = await reopenAfterKill(stateDir);
    try {
      const state = partition.begin().asState();
      const survived = (await state.get('last')) ?? 0;
      const storedOffset = await partition.getChangelogOffset();
      // All or nothing per transaction, in order: the state is exactly transactions 1..survived.
      for (let i = 1; i <= 40; i++) assert.is(await state.get(`key-${i}`), i <= survived ? i : undefined, `key-${i} (survived ${survived})`);
      assert.is(storedOffset, survived === 0 ? undefined : flushed[survived - 1].offset, 'the stored offset is the last surviving transaction\'s');
      // The documented bound: what was flushed more than flushInterval (plus the WAL write and
      // scheduling slack of a loaded machine) before the kill is durable.
      const slackMs = 800;
      const mustSurvive = flushed.filter(({ at }) => at < killedAt - flushInterval - slackMs).length;
      assert.ok(survived >= mustSurvive, `survived ${survived} of 40; ${mustSurvive} were flushed more than ${flushInterval + slackMs} ms before the kill`);
      let replayed = 0;
      for (const message of await changelogMessages(changelogFile)) {
        if (storedOffset !== undefined && message.offset <= storedOffset) continue;
        await partition.recoverFromChangelogMessage(message, {});
        replayed += 1;
      }
      const recovered = partition.begin().asState();
      assert.is(await recovered.get('last'), 40, `after replaying ${replayed} message(s)`);
      for (let i = 1; i <= 40; i++) assert.is(await recovered.get(`key-${i}`), i);
      assert.is(await partition.getChangelogOffset(), flushed.at(-1).offset);
      console.log(`  awaitDurable off: ${40 - survived} of 40 transactions lost at the kill, ${replayed} changelog message(s) replayed`);
    } finally {
      await manager.close();
    }
  });
});

durability.run();
