// Fault injection on the SlateDB backend: damaged, truncated and deleted objects of each kind
// (manifest, WAL SST, compacted SST), an object store that fails or stalls, and recreate.
// Runner-agnostic: `faultSuite(test, assert, makeStore)` registers tests with `test(name, fn)`;
// `makeStore()` resolves to `{ store, cleanup, rawFile? }` with a fresh, empty ObjectStore, and for
// stores kept in files `rawFile(key)`: the path of the file holding that object (to damage it below
// the store's own format).
//
// Every test runs under a deadline, so a hang fails the test instead of stalling the run. What
// each asserts: the failure surfaces as a documented code (docs/state-backends.md), nothing that
// was acknowledged is silently lost (either it reads back, or the open/read fails with a code),
// and a corrupted partition recreated from its changelog opens again and keeps what is written
// after the recreate.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_CF,
  MemoryBackend,
  RocksDBCorruptedError,
  RocksDbBackend,
  StreamstateError,
  SlateDb,
  SlateDbBackend,
  SlateDbError,
  SlateDBCorruptedError,
  StateStoreManager,
  withTransaction,
} from 'streamstate';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { within } from '../helpers/deadline.mjs';
import { captureLogger } from '../helpers/state-logger.mjs';
import { bytes, text } from './support.mjs';

/** Settings that keep background work quick (the compactor too); retries few, so a failing store fails fast. */
export const FAULT_SETTINGS = { flushInterval: 10, manifestPollInterval: 50, objectStoreMaxRetries: 3, compactorOptions: { pollInterval: 20 }, closeTimeout: 5000 };

/**
 * Settings of a writer that is about to "crash": small memtables (many L0 SSTs) and a compactor
 * that does not get to them, so the next open has compaction work to start at once.
 */
const CRASHING_WRITER_SETTINGS = { ...FAULT_SETTINGS, l0SstSizeBytes: 4096, compactorOptions: { pollInterval: 600_000 } };

/** The codes a fault may surface as (each in the error table of docs/state-backends.md). */
export const DOCUMENTED_CODES = new Set([
  'SLATEDB_CORRUPTED',
  'DATA_CORRUPTION',
  'UNAVAILABLE',
  'INTERNAL',
  'SLATEDB_FENCED',
  'SLATEDB_LEASE_LOST',
  'SLATEDB_LEASE_UNCONFIRMED',
]);

async function outcome(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** An object store over `base` whose calls `fault(method, key)` may replace: return a promise to answer with it instead. */
export function faultyStore(base, fault) {
  const store = {};
  for (const method of ['put', 'get', 'head', 'list', 'delete', 'copy']) {
    store[method] = (...args) => fault(method, args[0]) ?? base[method](...args);
  }
  return store;
}

/** Damage to one object, through the store (any store). */
export const DAMAGE = {
  corrupted: async (store, key) => {
    const { data } = await store.get(key);
    const copy = data.slice();
    for (let at = Math.floor(copy.length / 3); at < copy.length; at += 7) copy[at] ^= 0x5a;
    await store.put(key, copy);
  },
  truncated: async (store, key) => {
    const { data } = await store.get(key);
    await store.put(key, data.slice(0, Math.floor(data.length / 2)));
  },
  deleted: async (store, key) => {
    await store.delete(key);
  },
};

/** The kinds of objects of a SlateDB database under `prefix`. */
export const KINDS = {
  manifest: (prefix) => `${prefix}/manifest/`,
  'WAL SST': (prefix) => `${prefix}/wal/`,
  'compacted SST': (prefix) => `${prefix}/compacted/`,
};

async function keysOf(store, prefix) {
  return (await store.list(prefix)).filter((meta) => meta.size > 0).map((meta) => meta.key);
}

/**
 * A store over `base` that can be severed: from `sever()` on, every call fails at once with a
 * permanent error, as if the process using it had been killed (the engine's background tasks stop
 * at their next call, touching nothing). For an unclean stop inside one test process.
 */
export function severableStore(base) {
  let severed = false;
  const store = faultyStore(base, (method, key) => {
    if (!severed) return undefined;
    const error = new Error(`${method}("${key}"): this store was severed (the test's simulated crash)`);
    error.code = 'InvalidArgument';
    return Promise.reject(error);
  });
  return { store, sever: () => (severed = true) };
}

/**
 * A database "db" holding 200 acknowledged keys: the first 100 flushed into a compacted SST, the
 * rest only in the WAL; then its writer "crashes" (its store is severed), so the next open must
 * replay the WAL.
 * @returns the acknowledged entries
 */
async function databaseWithEveryKind(base) {
  const { store, sever } = severableStore(base);
  const db = await SlateDb.open('db', { objectStore: store, settings: CRASHING_WRITER_SETTINGS });
  const written = new Map();
  for (let i = 0; i < 200; i++) {
    const key = `key-${String(i).padStart(4, '0')}`;
    const value = `value-${i}-`.padEnd(200, 'x');
    await db.put(bytes(key), bytes(value));
    written.set(key, value);
    if (i === 99) await db.flush('memtable');
  }
  sever();
  return { db, written };
}

/** What a reopen gives: the entries it reads, or the error of the open or of a read. */
async function reopenAndRead(store, written) {
  const opened = await outcome(SlateDb.open('db', { objectStore: store, settings: FAULT_SETTINGS }));
  if (opened.error) return { error: opened.error, stage: 'open' };
  const db = opened.value;
  try {
    const found = new Map();
    for await (const [key, value] of db.scan()) found.set(text(key), text(value));
    const values = await db.getMany([...written.keys()].map(bytes));
    return { found, values: values.map(text) };
  } catch (error) {
    return { error, stage: 'read' };
  } finally {
    // Settles (within closeTimeout) even when a background task met the damage.
    const closing = await outcome(db.close());
    if (closing.error !== undefined && !DOCUMENTED_CODES.has(closing.error.code)) throw closing.error;
  }
}

export function faultSuite(test, assert, makeStore) {
  const DEADLINE = 60_000;
  const deadlineTest = (name, fn, ms = DEADLINE) => test(name, () => within(ms, fn(), name));

  const expectCode = (error, codes, what) => {
    assert.ok(error !== undefined, `${what}: expected an error`);
    assert.ok(codes.includes(error.code), `${what}: expected ${codes.join(' or ')}, got ${error.code}: ${error.message}`);
    assert.ok(DOCUMENTED_CODES.has(error.code), `${what}: ${error.code} is a documented code`);
  };

  // ---- damaged objects ---------------------------------------------------------------------------

  for (const [kind, dirOf] of Object.entries(KINDS)) {
    for (const [damage, apply] of Object.entries(DAMAGE)) {
      deadlineTest(`${kind} ${damage}: the reopen reads every acknowledged entry, or fails with a corruption code; never a hang, never silently less`, async () => {
        const { store, cleanup } = await makeStore();
        try {
          const { written } = await databaseWithEveryKind(store);
          const victims = await keysOf(store, dirOf('db'));
          assert.ok(victims.length > 0, `the database has ${kind} objects`);
          // The newest object of the kind, which the reopen needs; every manifest, when deleting;
          // a WAL SST three quarters along, when deleting (a gap the replay must notice: the newest
          // one deleted is the documented limit tested below).
          const chosen =
            damage !== 'deleted' ? victims.slice(-1) : kind === 'manifest' ? victims : kind === 'WAL SST' ? [victims[Math.floor(victims.length * 0.75)]] : victims.slice(-1);
          for (const key of chosen) await apply(store, key);
          const result = await reopenAndRead(store, written);
          if (result.error) {
            expectCode(result.error, ['DATA_CORRUPTION'], `${kind} ${damage} (${result.stage})`);
          } else {
            const missing = [...written].filter(([key, value]) => result.found.get(key) !== value);
            assert.equal(missing.map(([key]) => key), [], `${kind} ${damage}: every acknowledged entry is read back by a scan`);
            assert.equal(result.values, [...written.values()], `${kind} ${damage}: and by getMany`);
          }
        } finally {
          await cleanup();
        }
      });
    }
  }

  deadlineTest('the newest WAL SST deleted (a store that lost an acknowledged object): the reopen holds exactly the writes before it, in order (documented limit)', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const { written } = await databaseWithEveryKind(store);
      const wal = await keysOf(store, 'db/wal/');
      await DAMAGE.deleted(store, wal.at(-1));
      const result = await reopenAndRead(store, written);
      assert.is(result.error, undefined, String(result.error));
      const entries = [...written];
      const kept = entries.findIndex(([key]) => result.found.get(key) === undefined);
      const prefix = kept === -1 ? entries.length : kept;
      assert.ok(prefix >= entries.length - 10, `only the last writes are gone (kept ${prefix} of ${entries.length})`);
      for (const [key, value] of entries.slice(0, prefix)) assert.is(result.found.get(key), value);
      for (const [key] of entries.slice(prefix)) assert.is(result.found.get(key), undefined, `${key}: a suffix is gone, nothing in the middle`);
    } finally {
      await cleanup();
    }
  });

  deadlineTest('every manifest deleted: the backend raises SLATEDB_CORRUPTED (so recreate applies), not FENCED', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const backend = new SlateDbBackend({ objectStore: store, settings: FAULT_SETTINGS });
      const db = await backend.open('p/db');
      await db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
      await db.close();
      for (const key of await keysOf(store, 'p/db/manifest/')) await store.delete(key);
      const error = (await outcome(backend.open('p/db'))).error;
      assert.instance(error, SlateDBCorruptedError, `got ${error?.code}: ${error?.message}`);
      assert.is(error.code, 'SLATEDB_CORRUPTED');
      assert.match(error.message, /no manifest/);
    } finally {
      await cleanup();
    }
  });

  deadlineTest('a truncated compacted SST read after open is DATA_CORRUPTION (SlateDBCorruptedError), not UNAVAILABLE', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const backend = new SlateDbBackend({ objectStore: store, settings: FAULT_SETTINGS });
      const db = await backend.open('t/db');
      await db.write(Array.from({ length: 300 }, (_, i) => ({ cf: DEFAULT_CF, key: bytes(`k${i}`), value: bytes(`v${i}`.padEnd(100, '.')) })));
      await db.close();
      const ssts = await keysOf(store, 't/db/compacted/');
      assert.ok(ssts.length > 0, 'close wrote an SST');
      for (const key of ssts) await DAMAGE.truncated(store, key);
      const opened = await outcome(backend.open('t/db'));
      let error = opened.error;
      if (opened.value) {
        try {
          error = (await outcome(opened.value.get(DEFAULT_CF, bytes('k1')))).error;
        } finally {
          await opened.value.close().catch(() => undefined);
        }
      }
      assert.instance(error, SlateDBCorruptedError, `got ${error?.code}: ${error?.message}`);
      assert.is(error.code, 'SLATEDB_CORRUPTED');
    } finally {
      await cleanup();
    }
  });

  // ---- a failed open releases what it started, and recreate leaves a partition that opens -------

  deadlineTest('a failed open on a corrupted WAL leaves nothing running: the objects stop changing', async () => {
    const { store, cleanup } = await makeStore();
    try {
      await databaseWithEveryKind(store);
      const wal = await keysOf(store, 'db/wal/');
      for (const key of wal) await DAMAGE.corrupted(store, key);
      const error = (await outcome(SlateDb.open('db', { objectStore: store, settings: FAULT_SETTINGS }))).error;
      expectCode(error, ['DATA_CORRUPTION'], 'open on a corrupted WAL');
      const snapshot = async () => (await store.list('db/')).map((meta) => `${meta.key}@${meta.etag}`).join('\n');
      const before = await snapshot();
      // Several manifest-poll, flush, compactor and GC periods of FAULT_SETTINGS.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.is(await snapshot(), before, 'no object was written or deleted after the failed open');
    } finally {
      await cleanup();
    }
  });

  deadlineTest('a partition whose WAL is corrupted is recreated from the changelog, then opens again and keeps what is written after the recreate', async () => {
    const { store, cleanup } = await makeStore();
    const changelog = new MemoryChangelog();
    const managerOf = (objectStore, logger, settings = FAULT_SETTINGS) =>
      new StateStoreManager({
        backend: 'slatedb',
        changelogProducerFactory: changelog.factory,
        ...(logger ? { logger } : {}),
        slatedbOptions: { objectStore, settings, lockTtlMs: 1000, openRetryBackoffMs: 200, openMaxRetries: 50 },
      });
    const crashing = severableStore(store);
    const first = managerOf(crashing.store, undefined, CRASHING_WRITER_SETTINGS);
    try {
      first.registerStore('topic');
      const { default: partition } = await first.onPartitionAssign('topic', 0);
      for (let i = 0; i < 20; i++) await withTransaction(partition, (tx) => tx.asState().set(`before-${i}`, `${i}:`.padEnd(2000, '.')));
      crashing.sever(); // the process "dies": its WAL is needed by the next open
      for (const key of await keysOf(store, 'default/topic/0/wal/')) await DAMAGE.corrupted(store, key);

      const log = captureLogger();
      const second = managerOf(store, log.logger);
      second.registerStore('topic');
      const { default: recreated } = await second.onPartitionAssign('topic', 0);
      const lines = () => log.lines.map((line) => `${line.level}: ${line.message}`).join('\n');
      assert.is(log.matching('warn', /partition is corrupted/).length, 1, lines());
      for (const message of changelog.messages(changelog.bound[0].name, 0)) await recreated.recoverFromChangelogMessage(message, {});
      await withTransaction(recreated, (tx) => tx.asState().set('after', 'recreate'));
      await second.close();

      for (let round = 0; round < 3; round++) {
        // Past the failed open's background periods: nothing of it may fence the new database.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const again = managerOf(store);
        again.registerStore('topic');
        const { default: reopened } = await again.onPartitionAssign('topic', 0);
        const state = reopened.begin().asState();
        assert.is(await state.get('after'), 'recreate', `round ${round}: written after the recreate`);
        assert.is(await state.get('before-19'), '19:'.padEnd(2000, '.'), `round ${round}: rebuilt from the changelog`);
        if (round > 0) assert.is(await state.get(`round-${round - 1}`), round - 1, `round ${round}: the previous round's write`);
        await withTransaction(reopened, (tx) => tx.asState().set(`round-${round}`, round));
        await again.close();
      }
    } finally {
      await first.close().catch(() => undefined);
      await cleanup();
    }
  });

  // ---- a store that fails or stalls ---------------------------------------------------------------

  deadlineTest('an error without a code is retried a bounded number of times, each logged at warn with the call and key, then UNAVAILABLE', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const log = captureLogger();
      let failing = false;
      const flaky = faultyStore(store, (method) => (failing && method === 'put' ? Promise.reject(new Error('socket hang up')) : undefined));
      const db = await SlateDb.open('db', { objectStore: flaky, settings: FAULT_SETTINGS, logger: log.logger });
      await db.put(bytes('before'), bytes('durable'));
      failing = true;
      const error = (await outcome(db.put(bytes('during'), bytes('x')))).error;
      assert.instance(error, SlateDbError);
      assert.is(error.code, 'UNAVAILABLE', error.message);
      assert.match(error.message, /socket hang up/);
      const retries = log.matching('warn', /^Object store put\("db\/wal\/\d+\.sst"\) failed: socket hang up\. Treated as transient/);
      assert.ok(retries.length >= FAULT_SETTINGS.objectStoreMaxRetries, `each retry logged (${retries.length}):\n${log.lines.map((l) => l.message).join('\n')}`);
      failing = false;
      await db.close().catch(() => undefined);
      const reopened = await SlateDb.open('db', { objectStore: store, settings: FAULT_SETTINGS });
      assert.is(text(await reopened.get(bytes('before'))), 'durable');
      await reopened.close();
    } finally {
      await cleanup();
    }
  });

  deadlineTest('with default settings, a store failing every call makes open fail with UNAVAILABLE within the default bound', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const down = faultyStore(store, () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9000')));
      const error = (await outcome(SlateDb.open('db', { objectStore: down }))).error;
      assert.instance(error, SlateDbError);
      assert.is(error.code, 'UNAVAILABLE', error.message);
      assert.match(error.message, /ECONNREFUSED/);
    } finally {
      await cleanup();
    }
  }, 45_000);

  deadlineTest('a ReferenceError or SyntaxError from the store is a bug, not retried: open fails at once with INTERNAL naming it', async () => {
    const { store, cleanup } = await makeStore();
    try {
      for (const make of [() => new ReferenceError('DOMParser is not defined'), () => new SyntaxError('Unexpected token < in JSON')]) {
        let calls = 0;
        const broken = faultyStore(store, (method) => (method === 'list' ? (calls++, Promise.reject(make())) : undefined));
        const error = (await outcome(SlateDb.open('db', { objectStore: broken, settings: { objectStoreMaxRetries: 1000 } }))).error;
        assert.instance(error, SlateDbError);
        assert.is(error.code, 'INTERNAL', error.message);
        assert.match(error.message, new RegExp(`failed with a ${make().name}: ${make().message}`));
        assert.is(calls, 1, 'not retried');
      }
    } finally {
      await cleanup();
    }
  });

  deadlineTest('a store that stops answering: each call times out (objectStoreTimeout), is retried (bounded), and fails with UNAVAILABLE', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const log = captureLogger();
      let stalled = false;
      const stalling = faultyStore(store, () => (stalled ? new Promise(() => {}) : undefined));
      const settings = { ...FAULT_SETTINGS, objectStoreTimeout: 300, objectStoreMaxRetries: 2 };
      const db = await SlateDb.open('db', { objectStore: stalling, settings, logger: log.logger });
      await db.put(bytes('before'), bytes('durable'));
      stalled = true;
      const error = (await outcome(db.put(bytes('during'), bytes('x')))).error;
      assert.is(error?.code, 'UNAVAILABLE', error?.message);
      assert.match(error.message, /no answer within 300 ms/);
      assert.ok(log.matching('warn', /no answer within 300 ms \(setting objectStoreTimeout\)/).length >= 2);
      const opening = (await outcome(SlateDb.open('other', { objectStore: stalling, settings }))).error;
      assert.is(opening?.code, 'UNAVAILABLE', opening?.message);
      stalled = false;
      await db.close().catch(() => undefined);
      const reopened = await SlateDb.open('db', { objectStore: store, settings: FAULT_SETTINGS });
      assert.is(text(await reopened.get(bytes('before'))), 'durable', 'acknowledged before the stall');
      await reopened.close();
    } finally {
      await cleanup();
    }
  });

  deadlineTest('unbounded or out-of-range retry and timeout settings are refused at open', async () => {
    const { store, cleanup } = await makeStore();
    try {
      for (const [settings, pattern] of [
        [{ objectStoreMaxRetries: null }, /objectStoreMaxRetries\) must be a whole number of retries from 0 to 1000/],
        [{ objectStoreMaxRetries: 1e6 }, /objectStoreMaxRetries/],
        [{ objectStoreTimeout: 0 }, /objectStoreTimeout" must be a whole number of milliseconds from 100 to 3600000/],
        [{ objectStoreTimeout: 'soon' }, /objectStoreTimeout/],
      ]) {
        const error = (await outcome(SlateDb.open('db', { objectStore: store, settings }))).error;
        assert.is(error?.code, 'INVALID_ARGUMENT', `${JSON.stringify(settings)}: ${error?.message}`);
        assert.match(error.message, pattern);
      }
    } finally {
      await cleanup();
    }
  });
}

/** For stores kept in files: damage an object's header, below the store's format. */
export function headerFaultSuite(test, assert, makeStore) {
  const name = (what) => `local files: ${what}`;
  for (const [kind, dirOf] of Object.entries({ manifest: KINDS.manifest, 'WAL SST': KINDS['WAL SST'] })) {
    test(name(`a damaged header of the newest ${kind}: open fails promptly with DATA_CORRUPTION; the backend raises SLATEDB_CORRUPTED and recreate works`), () =>
      within(30_000, (async () => {
        const { store, cleanup, rawFile } = await makeStore();
        try {
          await databaseWithEveryKind(store);
          const keys = await keysOf(store, dirOf('db'));
          const file = rawFile(keys.at(-1));
          const raw = await readFile(file);
          raw.write('garbage!', 0);
          await writeFile(file, raw);
          const error = (await outcome(SlateDb.open('db', { objectStore: store, settings: FAULT_SETTINGS }))).error;
          assert.instance(error, SlateDbError, String(error));
          assert.is(error.code, 'DATA_CORRUPTION', error.message);
          assert.match(error.message, /not an object written by LocalFileObjectStore/);
          const backend = new SlateDbBackend({ objectStore: store, settings: FAULT_SETTINGS });
          const corrupted = (await outcome(backend.open('db'))).error;
          assert.instance(corrupted, SlateDBCorruptedError, String(corrupted));
          await backend.destroy('db');
          const fresh = await backend.open('db');
          await fresh.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
          await fresh.close();
          const again = await backend.open('db');
          assert.is(text(await again.get(DEFAULT_CF, bytes('k'))), 'v');
          await again.close();
        } finally {
          await cleanup();
        }
      })(), kind),
    );
  }
}

// ---- RocksDB: damaged, truncated and deleted files of each kind --------------------------------------

/** The kinds of files of a RocksDB directory (the newest of each is damaged). */
export const ROCKSDB_KINDS = {
  CURRENT: /^CURRENT$/,
  MANIFEST: /^MANIFEST-\d+$/,
  SST: /^\d+\.sst$/,
  WAL: /^\d+\.log$/,
  OPTIONS: /^OPTIONS-\d+$/,
  LOCK: /^LOCK$/,
};

/** Damage to one file, below RocksDB. */
export const FILE_DAMAGE = {
  corrupted: async (file) => {
    const data = await readFile(file);
    for (let at = Math.floor(data.length / 3); at < data.length; at += 7) data[at] ^= 0x5a;
    await writeFile(file, data);
  },
  truncated: async (file) => {
    const data = await readFile(file);
    await writeFile(file, data.subarray(0, Math.floor(data.length / 2)));
  },
  deleted: async (file) => {
    await rm(file);
  },
};

/**
 * What the reopen must hold, by the kind of file damaged, where the kind allows it:
 * - `all`: every acknowledged entry;
 * - `walPrefix`: every flushed entry, and of the writes only in the WAL a prefix in write order
 *   (RocksDB's point-in-time recovery stops replaying a damaged or missing WAL at the damage;
 *   what the WAL alone held past it is gone: documented limit);
 * - `wal`: every write still in the WAL (a MANIFEST that lost its tail reads as one cut short by a
 *   crash: the SSTs recorded in the lost part are gone: documented limit).
 */
function rocksdbExpectation(kind, damage) {
  if (kind === 'WAL') return 'walPrefix';
  if (kind === 'MANIFEST' && damage === 'truncated') return 'wal';
  return 'all';
}

/**
 * Fault injection on the RocksDB backend through the state layer. `makeStateDir()` resolves to
 * `{ stateDir, cleanup }`.
 */
export function rocksdbFaultSuite(test, assert, makeStateDir) {
  const deadlineTest = (name, fn, ms = 60_000) => test(name, () => within(ms, fn(), name));
  const value = (i) => `${i}:`.padEnd(200, '.');
  const managerOf = (stateDir, changelog, extra = {}) => {
    const manager = new StateStoreManager({
      stateDir,
      backend: 'rocksdb',
      ...(changelog ? { changelogProducerFactory: changelog.factory } : {}),
      rocksdbOptions: { openMaxRetries: 1, openRetryBackoffMs: 10 },
      ...extra,
    });
    manager.registerStore('topic');
    return manager;
  };

  /**
   * A partition with every kind of file: 50 transactions flushed into SSTs (closed and reopened:
   * RocksDB flushes the WAL at open), then 50 only in the WAL. Returns the partition path and the
   * acknowledged keys, flushed ones and WAL ones in write order.
   */
  async function partitionWithEveryKind(stateDir, changelog) {
    const flushed = [];
    const walOnly = [];
    let partitionPath;
    for (const [phase, keys] of [['a', flushed], ['b', walOnly]]) {
      const manager = managerOf(stateDir, changelog);
      const { default: partition } = await manager.onPartitionAssign('topic', 0);
      for (let i = 0; i < 50; i++) {
        const key = `${phase}-${String(i).padStart(3, '0')}`;
        await withTransaction(partition, (tx) => tx.asState().set(key, value(i)));
        keys.push(key);
      }
      partitionPath = partition.path;
      await manager.close();
    }
    // The second manager's open flushed the first phase, so the first phase is in SSTs.
    return { partitionPath, flushed, walOnly };
  }

  for (const [kind, pattern] of Object.entries(ROCKSDB_KINDS)) {
    for (const [damage, apply] of Object.entries(FILE_DAMAGE)) {
      deadlineTest(`RocksDB ${kind} ${damage}: ROCKSDB_CORRUPTED or every entry the kind allows; recreate leaves a partition that opens again`, async () => {
        const { stateDir, cleanup } = await makeStateDir();
        const changelog = new MemoryChangelog();
        try {
          const { partitionPath, flushed, walOnly } = await partitionWithEveryKind(stateDir, changelog);
          const files = (await readdir(partitionPath)).filter((file) => pattern.test(file)).sort();
          assert.ok(files.length > 0, `the partition has a ${kind} file (${(await readdir(partitionPath)).join(' ')})`);
          await apply(path.join(partitionPath, files.at(-1)));

          // Without a changelog: a documented code, or the entries.
          const plain = managerOf(stateDir, undefined);
          const opened = await outcome(plain.onPartitionAssign('topic', 0));
          if (opened.error) {
            assert.instance(opened.error, RocksDBCorruptedError, `${opened.error.code}: ${opened.error.message}`);
            assert.is(opened.error.code, 'ROCKSDB_CORRUPTED');
            await plain.close();
          } else {
            const state = opened.value.default.begin().asState();
            const read = async (keys) => Promise.all(keys.map((key) => state.get(key)));
            const expectation = rocksdbExpectation(kind, damage);
            const walValues = await read(walOnly);
            if (expectation === 'all' || expectation === 'walPrefix') {
              assert.equal(await read(flushed), flushed.map((_, i) => value(i)), `${kind} ${damage}: every flushed entry`);
            }
            if (expectation === 'walPrefix') {
              const kept = walValues.findIndex((found) => found === undefined);
              const prefix = kept === -1 ? walValues.length : kept;
              assert.equal(walValues.slice(prefix), walValues.slice(prefix).map(() => undefined), `${kind} ${damage}: a suffix of the WAL is gone, nothing in the middle (kept ${prefix})`);
              assert.equal(walValues.slice(0, prefix), walOnly.slice(0, prefix).map((_, i) => value(i)));
            } else {
              assert.equal(walValues, walOnly.map((_, i) => value(i)), `${kind} ${damage}: every write in the WAL`);
            }
            await withTransaction(opened.value.default, (tx) => tx.asState().set('after', 'damage'));
            await plain.close();
            const again = managerOf(stateDir, undefined);
            const { default: reopened } = await again.onPartitionAssign('topic', 0);
            assert.is(await reopened.begin().asState().get('after'), 'damage', 'written after the damage, and reopened');
            await again.close();
            return;
          }

          // With the changelog: recreated, rebuilt, and it opens again.
          const recreating = managerOf(stateDir, changelog);
          const { default: recreated } = await recreating.onPartitionAssign('topic', 0);
          for (const message of changelog.messages(changelog.bound[0].name, 0)) await recreated.recoverFromChangelogMessage(message, {});
          await withTransaction(recreated, (tx) => tx.asState().set('after', 'recreate'));
          await recreating.close();
          const again = managerOf(stateDir, changelog);
          const { default: reopened } = await again.onPartitionAssign('topic', 0);
          const state = reopened.begin().asState();
          assert.is(await state.get('after'), 'recreate');
          for (const [i, key] of flushed.entries()) assert.is(await state.get(key), value(i), `${key} rebuilt`);
          for (const [i, key] of walOnly.entries()) assert.is(await state.get(key), value(i), `${key} rebuilt`);
          await again.close();
        } finally {
          await cleanup();
        }
      });
    }
  }

  deadlineTest('RocksDB SST with a damaged data block (open does not read it): a read fails with ROCKSDB_CORRUPTED, not a bare addon error', async () => {
    const { stateDir, cleanup } = await makeStateDir();
    try {
      const dir = path.join(stateDir, 'db');
      const backend = new RocksDbBackend();
      const settings = { compressionType: 'none' };
      let db = await backend.open(dir, { settings });
      await db.write(Array.from({ length: 300 }, (_, i) => ({ cf: DEFAULT_CF, key: bytes(`k-${String(i).padStart(4, '0')}`), value: bytes(value(i)) })));
      await db.close();
      db = await backend.open(dir, { settings }); // flushes the WAL into an SST
      await db.close();
      const sst = (await readdir(dir)).filter((file) => ROCKSDB_KINDS.SST.test(file)).sort().at(-1);
      const data = await readFile(path.join(dir, sst));
      for (let at = 100; at < 2000; at += 7) data[at] ^= 0x5a; // the first data block; the footer intact
      await writeFile(path.join(dir, sst), data);
      db = await backend.open(dir, { settings });
      try {
        for (const [what, read] of [
          ['get', () => db.get(DEFAULT_CF, bytes('k-0001'))],
          ['getMany', () => db.getMany(DEFAULT_CF, [bytes('k-0001')])],
          ['iterate', async () => { for await (const entry of db.iterate({ cf: DEFAULT_CF })) void entry; }],
        ]) {
          const { error } = await outcome(read());
          assert.instance(error, RocksDBCorruptedError, `${what}: ${error?.code}: ${error?.message}`);
          assert.is(error.code, 'ROCKSDB_CORRUPTED');
          assert.match(error.message, /met a corrupted file \(Corruption: block checksum mismatch/);
          assert.match(error.message, /destroy it and rebuild it from the changelog/);
        }
      } finally {
        await db.close();
      }
      await backend.destroy(dir);
      const fresh = await backend.open(dir);
      assert.is(await fresh.get(DEFAULT_CF, bytes('k-0001')), undefined, 'destroyed and opened again');
      await fresh.close();
    } finally {
      await cleanup();
    }
  });
}

// ---- the memory backend: close during use, use after close, a failing flush ---------------------------

export function memoryFaultSuite(test, assert) {
  const deadlineTest = (name, fn, ms = 20_000) => test(name, () => within(ms, fn(), name));
  const expectClosed = (error, what) => {
    assert.instance(error, StreamstateError, `${what}: ${error}`);
    assert.is(error.code, 'BACKEND_CLOSED', `${what}: ${error.message}`);
  };

  deadlineTest('memory: every call after close rejects with BACKEND_CLOSED; close is idempotent; a reopen holds the data', async () => {
    const backend = new MemoryBackend();
    const db = await backend.open('p');
    await db.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
    await db.close();
    await db.close();
    for (const [what, call] of [
      ['get', () => db.get(DEFAULT_CF, bytes('k'))],
      ['getMany', () => db.getMany(DEFAULT_CF, [bytes('k')])],
      ['write', () => db.write([{ cf: DEFAULT_CF, key: bytes('x'), value: bytes('y') }])],
      ['iterate', async () => { for await (const entry of db.iterate({ cf: DEFAULT_CF })) void entry; }],
      ['listColumnFamilies', () => db.listColumnFamilies()],
    ]) {
      expectClosed((await outcome(call())).error, what);
    }
    const again = await backend.open('p');
    assert.is(text(await again.get(DEFAULT_CF, bytes('k'))), 'v');
    assert.is(await again.get(DEFAULT_CF, bytes('x')), undefined, 'the write after close did nothing');
    await again.close();
  });

  deadlineTest('memory: closed during an iteration, the next step rejects with BACKEND_CLOSED', async () => {
    const backend = new MemoryBackend();
    const db = await backend.open('p');
    await db.write(Array.from({ length: 10 }, (_, i) => ({ cf: DEFAULT_CF, key: bytes(`k${i}`), value: bytes('v') })));
    const iterator = db.iterate({ cf: DEFAULT_CF })[Symbol.asyncIterator]();
    assert.ok(!(await iterator.next()).done);
    await db.close();
    expectClosed((await outcome(iterator.next())).error, 'the step after close');
  });

  deadlineTest('memory: a batch the backend refuses (a malformed operation) fails with BACKEND_INVALID_ARGUMENT and writes nothing of it', async () => {
    const backend = new MemoryBackend();
    const db = await backend.open('p');
    const { error } = await outcome(db.write([
      { cf: DEFAULT_CF, key: bytes('first'), value: bytes('v') },
      { cf: 'other', key: 'not bytes', value: bytes('v') },
    ]));
    assert.instance(error, StreamstateError, String(error));
    assert.is(error.code, 'BACKEND_INVALID_ARGUMENT', error.message);
    assert.is(await db.get(DEFAULT_CF, bytes('first')), undefined, 'atomic: nothing of the batch');
    assert.equal(await db.listColumnFamilies(), [DEFAULT_CF], 'no family created');
    await db.close();
  });

  deadlineTest('memory: a partition revoked while a transaction is open: its flush fails with a documented code, the transaction is FAILED, nothing of it is stored, earlier ones are', async () => {
    const changelog = new MemoryChangelog();
    const manager = new StateStoreManager({ backend: 'memory', changelogProducerFactory: changelog.factory });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    await withTransaction(partition, (tx) => tx.asState().set('before', 1));
    const tx = partition.begin();
    tx.asState().set('during', 2);
    await manager.onPartitionRevoke('topic', 0);
    const { error } = await outcome((async () => {
      await tx.prepare();
      await tx.flush();
    })());
    assert.instance(error, StreamstateError, String(error));
    assert.is(error.code, 'PARTITION_CLOSED', error.message);
    assert.is(tx.failed, true, 'the transaction is FAILED');
    const next = (await outcome(tx.flush())).error;
    assert.is(next?.code, 'STATE_TRANSACTION', `a failed transaction refuses more: ${next?.message}`);
    const { default: reassigned } = await manager.onPartitionAssign('topic', 0);
    const state = reassigned.begin().asState();
    assert.is(await state.get('before'), 1, 'acknowledged before the revoke');
    assert.is(await state.get('during'), undefined, 'nothing of the failed transaction');
    await manager.close();
  });
}
