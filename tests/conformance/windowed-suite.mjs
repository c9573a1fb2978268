// The windowed-state conformance suite: spec §3.6, §3.7, §5 and the changelog/recovery of windowed
// stores (§10.3), registered into whatever test runner the caller uses and run against every
// backend. Same shape as state-suite.mjs:
//
//   import { windowedSuite } from './conformance/windowed-suite.mjs';
//   windowedSuite(test, assert, async () => ({ backend: 'memory', stateDir, cleanup }));
//
// - test(name, fn): registers one async test; assert: { ok, is, equal } (uvu/assert fits);
// - makeEnv(): { backend, stateDir (fresh per test), cleanup() }.
//
// Each reference quirk (spec §13) fixed in windowed state has one test named "quirk N fixed: ...".
import {
  GLOBAL_COUNTER_CF_NAME,
  LATEST_DELETED_VALUE_CF_NAME,
  LATEST_DELETED_WINDOW_CF_NAME,
  LATEST_EXPIRED_WINDOW_CF_NAME,
  LATEST_TIMESTAMPS_CF_NAME,
  PartitionTransactionStatus,
  setLogger,
  StateArgumentError,
  StateTransactionError,
  StoreAlreadyRegisteredError,
  VALUES_CF_NAME,
  WindowedMemoryStore,
  WindowedPartitionTransaction,
  WindowedRocksDBStore,
  WindowedSlateDBStore,
  WindowedStore,
  STORES,
} from 'streamstate';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { bytes, commit, contentsAs, hex, makeScenario, rejection, text, u64 } from './support.mjs';

const WINDOW_CFS = ['default', LATEST_TIMESTAMPS_CF_NAME, LATEST_EXPIRED_WINDOW_CF_NAME, LATEST_DELETED_WINDOW_CF_NAME, LATEST_DELETED_VALUE_CF_NAME, VALUES_CF_NAME, GLOBAL_COUNTER_CF_NAME];
const K = bytes('k');
const EMPTY = new Uint8Array(0);

/** Every entry of one column family of a partition, as [hex key, text value]. */
const contents = contentsAs((key, value) => [hex(key), text(value)]);

/** Window entries as [start, end, value] triples. */
const triples = (windows) => windows.map((window) => [window.start, window.end, window.value]);

/**
 * Registers the suite.
 * @param test - (name, async fn) => void
 * @param assert - { ok, is, equal }
 * @param makeEnv - async () => ({ backend, stateDir, cleanup })
 */
export function windowedSuite(test, assert, makeEnv) {
  const scenario = makeScenario(test, makeEnv, (ctx) => ({
    /** A windowed store "windows" on stream "topic", partition 0 assigned. */
    async windowed(options = {}, storeName = 'windows') {
      const manager = ctx.manager(options);
      const store = manager.registerWindowedStore('topic', storeName);
      return { manager, store, partition: await store.assignPartition(0) };
    },
  }));

  // ---- stores and layout ----------------------------------------------------------------------------

  scenario('§9.2 registerWindowedStore makes the backend\'s windowed store; a second registration of the name throws', async ({ env, manager }) => {
    const m = manager();
    const store = m.registerWindowedStore('topic', 'tumbling_window_60000_sum');
    assert.ok(store instanceof WindowedStore);
    const expected = { memory: WindowedMemoryStore, rocksdb: WindowedRocksDBStore, slatedb: WindowedSlateDBStore }[env.backend];
    assert.is(STORES[env.backend].windowed, expected);
    assert.is(store.constructor, expected, `a ${expected.name}`);
    assert.is(m.getStore('topic', 'tumbling_window_60000_sum'), store);
    const error = await rejection(assert, () => m.registerWindowedStore('topic', 'tumbling_window_60000_sum'));
    assert.ok(error instanceof StoreAlreadyRegisteredError);
    assert.is(error.code, 'STORE_ALREADY_REGISTERED');
    assert.ok(/already exists/.test(error.message), error.message);
    m.registerWindowedStore('other-topic', 'tumbling_window_60000_sum');
    await store.assignPartition(1);
    const tx = store.startPartitionTransaction(1);
    assert.ok(tx instanceof WindowedPartitionTransaction);
    assert.ok(typeof tx.asState(K).getWindows === 'function');
  });

  scenario('§3.6 window keys are P | u64(start) | u64(end), and the bare pair for the empty prefix', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      await tx.updateWindow(1, 2, 'a', 2, K);
      await tx.updateWindow(0, 10, 'b', 3, bytes('__key__'));
      await tx.updateWindow(5, 6, 'c', 5, EMPTY);
    });
    assert.equal(await contents(partition), [
      [`${u64(5)}7c${u64(6)}`, '"c"'],
      [`${hex(bytes('__key__|'))}${u64(0)}7c${u64(10)}`, '"b"'],
      [`6b7c${u64(1)}7c${u64(2)}`, '"a"'],
    ]);
    assert.equal(await contents(partition, LATEST_TIMESTAMPS_CF_NAME), [
      [hex(bytes('__key__|__latest_timestamp__')), '3'],
      [hex(bytes('__latest_timestamp__')), '5'],
      [hex(bytes('k|__latest_timestamp__')), '2'],
    ]);
  });

  scenario('§5.2 getWindow reads through the transaction; updateWindow validates and raises the latest timestamp', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, (tx) => tx.updateWindow(0, 10, 1, 25, K));
    const tx = partition.begin();
    assert.is(await tx.getWindow(0, 10, K), 1, 'stored');
    assert.is(await tx.getWindow(10, 20, K, 'none'), 'none', 'default for a missing window');
    await tx.updateWindow(0, 10, 2, 7, K);
    assert.is(await tx.getWindow(0, 10, K), 2, 'the transaction\'s own write');
    assert.is(await tx.getLatestTimestamp(K), 25, 'the latest timestamp never decreases');
    await tx.updateWindow(10, 20, 3, 31, K);
    assert.is(await tx.getLatestTimestamp(K), 31);
    const empty = await rejection(assert, () => tx.getWindow(10, 10, K));
    assert.ok(empty instanceof StateArgumentError);
    assert.ok(/^Invalid window duration: window end 10 is smaller or equal than window start 10/.test(empty.message), empty.message);
    const negative = await rejection(assert, () => tx.updateWindow(0, 10, 1, -1, K));
    assert.ok(/Timestamp cannot be negative/.test(negative.message), negative.message);
    const inverted = await rejection(assert, () => tx.updateWindow(10, 5, 1, 1, K));
    assert.ok(/Invalid window duration/.test(inverted.message));
    assert.is((await rejection(assert, () => tx.getWindow(-5, 10, K))).code, 'INTEGER_ENCODING');
    assert.is(tx.status, PartitionTransactionStatus.STARTED, 'argument errors do not fail the transaction');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, LATEST_TIMESTAMPS_CF_NAME), [[hex(bytes('k|__latest_timestamp__')), '31']]);
    assert.equal(await contents(partition), [[`6b7c${u64(0)}7c${u64(10)}`, '2'], [`6b7c${u64(10)}7c${u64(20)}`, '3']]);
  });

  scenario('§5.2 getWindows: exclusive lower and inclusive upper bound on the start, both directions', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const [start, end] of [[0, 10], [5, 15], [5, 25], [10, 20], [20, 30]]) await tx.updateWindow(start, end, `${start}-${end}`, end, K);
    });
    const tx = partition.begin();
    assert.equal(triples(await tx.getWindows(-1, 20, K)), [[0, 10, '0-10'], [5, 15, '5-15'], [5, 25, '5-25'], [10, 20, '10-20'], [20, 30, '20-30']]);
    assert.equal(triples(await tx.getWindows(0, 10, K)), [[5, 15, '5-15'], [5, 25, '5-25'], [10, 20, '10-20']], 'start 0 excluded, start 10 included');
    assert.equal(triples(await tx.getWindows(0, 10, K, { backwards: true })), [[10, 20, '10-20'], [5, 25, '5-25'], [5, 15, '5-15']], 'exact reverse, ends descending within a start');
    assert.equal(triples(await tx.getWindows(-100, 4, K, { backwards: true })), [[0, 10, '0-10']], 'negative lower bound clamped');
    assert.equal(await tx.getWindows(5, 5, K), [], 'empty when start equals end');
    assert.equal(await tx.getWindows(5, 5, K, { backwards: true }), [], 'empty backwards too');
    assert.equal(await tx.getWindows(20, 10, K), [], 'empty when the range is inverted');
    assert.equal(await tx.getWindows(-10, -1, K), [], 'an all-negative range is empty');
    const [first] = await tx.getWindows(-1, 0, K);
    assert.equal([...first.prefix], [...K], 'each window carries its prefix');
  });

  scenario('§5.2 getWindows merges the transaction with the database: updates override, deletes hide', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20]) await tx.updateWindow(start, start + 10, `db${start}`, start, K);
    });
    const tx = partition.begin();
    await tx.updateWindow(10, 20, 'cache10', 10, K);
    await tx.updateWindow(15, 25, 'cache15', 15, K);
    tx.deleteWindow(20, 30, K);
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[0, 10, 'db0'], [10, 20, 'cache10'], [15, 25, 'cache15']]);
    assert.equal(triples(await tx.getWindows(-1, 100, K, { backwards: true })), [[15, 25, 'cache15'], [10, 20, 'cache10'], [0, 10, 'db0']]);
  });

  scenario('§5.2 prefixes isolate windows, markers and collections', async ({ windowed }) => {
    const { partition } = await windowed();
    const K2 = bytes('k2');
    await commit(partition, async (tx) => {
      await tx.updateWindow(0, 10, 'k', 5, K);
      await tx.updateWindow(0, 10, 'k2', 50, K2);
      await tx.addToCollection('value-k', 3, K);
      await tx.addToCollection('value-k2', 3, K2);
    });
    const tx = partition.begin();
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[0, 10, 'k']]);
    assert.equal(triples(await tx.getWindows(-1, 100, K2)), [[0, 10, 'k2']]);
    assert.is(await tx.getLatestTimestamp(K), 5);
    assert.is(await tx.getLatestTimestamp(K2), 50);
    assert.equal(await tx.getFromCollection(0, 10, K), ['value-k']);
    assert.equal(triples(await tx.expireWindows(100, K)), [[0, 10, 'k']]);
    assert.equal(triples(await tx.getWindows(-1, 100, K2)), [[0, 10, 'k2']], 'expiring k leaves k2 alone');
    assert.equal(await tx.getFromCollection(0, 10, K2), ['value-k2']);
    assert.is(await tx.getLatestExpired(K2), undefined);
  });

  // ---- expiry ---------------------------------------------------------------------------------------

  scenario('§5.2 expireWindows returns and deletes the windows up to maxStartTime once, and advances the marker', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20, 30]) await tx.updateWindow(start, start + 10, start, start, K);
    });
    const tx = partition.begin();
    const expired = await tx.expireWindows(15, K);
    assert.equal(expired.map((w) => [w.start, w.end, w.value, w.collected]), [[0, 10, 0, []], [10, 20, 10, []]]);
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[20, 30, 20], [30, 40, 30]], 'deleted within the transaction');
    assert.is(await tx.getLatestExpired(K), 10);
    assert.equal(await tx.expireWindows(15, K), [], 'never returned twice');
    await tx.updateWindow(5, 15, 'late', 40, K);
    assert.equal(await tx.expireWindows(25, K).then(triples), [[20, 30, 20]], 'a window at or below the marker is never expired');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, LATEST_EXPIRED_WINDOW_CF_NAME), [[hex(bytes('k|__expired_start_gt__')), '20']]);
    assert.equal(triples(await partition.begin().getWindows(-1, 100, K)), [[5, 15, 'late'], [30, 40, 30]]);
  });

  scenario('§5.2 repeated expiry in one transaction sees stored, new and deleted windows alike', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [10, 40, 70]) await tx.updateWindow(start, start + 10, `db${start}`, start, K);
    });
    const tx = partition.begin();
    assert.equal(await tx.expireWindows(5, K), [], 'nothing stored up to 5');
    await tx.updateWindow(3, 13, 'cache3', 3, K);
    await tx.updateWindow(20, 30, 'cache20', 20, K);
    assert.equal(triples(await tx.expireWindows(6, K)), [[3, 13, 'cache3']], 'a window added after the first call');
    assert.equal(triples(await tx.expireWindows(25, K)), [[10, 20, 'db10'], [20, 30, 'cache20']], 'stored and cached together');
    await tx.updateWindow(30, 40, 'cache30', 30, K);
    assert.equal(triples(await tx.expireWindows(35, K)), [[30, 40, 'cache30']]);
    tx.deleteWindow(40, 50, K);
    await tx.updateWindow(45, 55, 'cache45', 45, K);
    assert.equal(triples(await tx.expireWindows(50, K)), [[45, 55, 'cache45']], 'a stored window deleted here is not expired');
    assert.equal(triples(await tx.expireWindows(60, K, { delete: false })), []);
    assert.equal(triples(await tx.expireWindows(80, K, { delete: false })), [[70, 80, 'db70']]);
    assert.equal(triples(await tx.expireWindows(90, K)), [], 'not twice, even when kept');
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[70, 80, 'db70']]);
  });

  scenario('§5.2 expireWindows with delete false keeps the windows readable but still expires each once', async ({ windowed }) => {
    const { partition } = await windowed();
    const tx = partition.begin();
    for (const start of [0, 10]) await tx.updateWindow(start, start + 10, start, start, K);
    assert.equal(triples(await tx.expireWindows(10, K, { delete: false })), [[0, 10, 0], [10, 20, 10]]);
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[0, 10, 0], [10, 20, 10]]);
    assert.equal(await tx.expireWindows(10, K, { delete: false }), []);
    assert.is(await tx.getLatestExpired(K), 10);
  });

  scenario('§5.2 expireWindows with collect returns each window\'s values and deletes those below the last expired start', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const [start, end] of [[0, 10], [5, 15], [10, 20]]) await tx.updateWindow(start, end, null, end, K);
      for (const id of [1, 6, 9, 10, 12]) await tx.addToCollection(`v${id}`, id, K);
    });
    const tx = partition.begin();
    await tx.addToCollection('v9b', 9, K);
    await tx.addToCollection('v20', 20, K);
    const expired = await tx.expireWindows(5, K, { collect: true });
    assert.equal(expired.map((w) => [w.start, w.end, w.collected]), [[0, 10, ['v1', 'v6', 'v9', 'v9b']], [5, 15, ['v6', 'v9', 'v9b', 'v10', 'v12']]]);
    assert.equal(await tx.getFromCollection(0, 100, K), ['v6', 'v9', 'v9b', 'v10', 'v12', 'v20'], 'values below 5 deleted, those of the last window kept');
    const inclusive = await tx.expireWindows(10, K, { collect: true, endInclusive: true });
    assert.equal(inclusive.map((w) => [w.start, w.end, w.collected]), [[10, 20, ['v10', 'v12', 'v20']]], 'endInclusive also takes the value at the end');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, LATEST_DELETED_VALUE_CF_NAME), [[hex(bytes('k|__value_deleted_start_gt__')), '9']]);
    assert.equal((await contents(partition, VALUES_CF_NAME)).map(([, value]) => value), ['"v10"', '"v12"', '"v20"']);
  });

  scenario('§5.2 markers carry across transactions and are read from state, not from the transaction', async ({ windowed }) => {
    const { manager, partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20]) await tx.updateWindow(start, start + 10, start, start + 5, K);
      await tx.expireWindows(0, K);
      await tx.deleteWindows(10, false, bytes('other'));
    });
    await manager.onPartitionRevoke('topic', 0);
    const reopened = await manager.getStore('topic', 'windows').assignPartition(0);
    const tx = reopened.begin();
    assert.is(await tx.getLatestTimestamp(K), 25);
    assert.is(await tx.getLatestExpired(K), 0);
    await tx.updateWindow(0, 10, 'again', 30, K);
    assert.equal(triples(await tx.expireWindows(20, K)), [[10, 20, 10], [20, 30, 20]], 'only windows after the stored marker');
  });

  scenario('§5.2 deleteWindows deletes up to maxStartTime from its own marker, with or without collection values', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [10, 20, 30]) await tx.updateWindow(start, start + 10, start, start, K);
      for (const id of [5, 15, 25]) await tx.addToCollection(id, id, K);
      await tx.expireWindows(10, K, { delete: false });
    });
    const tx = partition.begin();
    assert.is(await tx.deleteWindows(20, false, K), 2);
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[30, 40, 30]]);
    assert.equal(await tx.getFromCollection(0, 100, K), [5, 15, 25], 'values kept');
    assert.is(await tx.getLatestExpired(K), 10, 'the expiry marker is untouched');
    await tx.updateWindow(15, 25, 'late', 40, K);
    assert.is(await tx.deleteWindows(30, true, K), 1, 'the window at 15 is below the deletion marker 20');
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[15, 25, 'late']]);
    assert.equal(await tx.getFromCollection(0, 100, K), [], 'ids below 30 deleted');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, LATEST_DELETED_WINDOW_CF_NAME), [[hex(bytes('k|__deleted_start_gt__')), '30']]);
  });

  scenario('§5.2 expireAllWindows expires every prefix\'s windows up to the step grid and records the grid end', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20, 30, 40]) await tx.updateWindow(start, start + 10, `a${start}`, start, bytes('a'));
      for (const start of [10, 20]) await tx.updateWindow(start, start + 10, `b${start}`, start, bytes('b'));
      tx.set('metadata', { not: 'a window' }, bytes('a'));
    });
    const tx = partition.begin();
    const first = await tx.expireAllWindows(25, 10);
    assert.equal(first.map((w) => [text(w.prefix), w.start, w.value]), [['a', 0, 'a0'], ['a', 10, 'a10'], ['b', 10, 'b10']], 'ends 10 and 20 (grid 20)');
    assert.is(await tx.getLatestExpired(EMPTY), 20, 'the marker holds the grid end');
    assert.equal(await tx.expireAllWindows(29, 10), [], 'the grid has not moved');
    const second = await tx.expireAllWindows(45, 10);
    assert.equal(second.map((w) => [text(w.prefix), w.start]), [['a', 20], ['b', 20], ['a', 30]]);
    assert.is(await tx.get('metadata', bytes('a')).then((v) => v.not), 'a window', 'plain keys are left alone');
    assert.equal(triples(await tx.getWindows(-1, 100, bytes('a'))), [[40, 50, 'a40']]);
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, LATEST_EXPIRED_WINDOW_CF_NAME), [[hex(bytes('__expired_start_gt__')), '40']]);
  });

  scenario('§5.2 the empty prefix\'s expireWindows marker and the expireAllWindows marker never mix: once one is stored, the other call is refused', async ({ manager }) => {
    const m = manager();
    const refused = async (call, pattern) => {
      const error = await rejection(assert, call);
      assert.ok(error instanceof StateArgumentError, String(error));
      assert.is(error.code, 'STATE_INVALID_ARGUMENT');
      assert.ok(pattern.test(error.message), error.message);
    };
    // Partition-wide expiry first: its marker (a grid end) keeps the reference's key, alone.
    const partitionWide = await m.registerWindowedStore('topic', 'partition_wide').assignPartition(0);
    await commit(partitionWide, async (tx) => {
      for (const start of [0, 10]) await tx.updateWindow(start, start + 10, start, start, bytes('a'));
      await tx.updateWindow(0, 10, 'empty', 0, EMPTY);
      assert.is((await tx.expireAllWindows(25, 10)).length, 3);
    });
    assert.equal(await contents(partitionWide, LATEST_EXPIRED_WINDOW_CF_NAME), [[hex(bytes('__expired_start_gt__')), '20']], 'the layout of normal use');
    let tx = partitionWide.begin();
    await tx.updateWindow(30, 40, 'late', 30, EMPTY);
    await refused(() => tx.expireWindows(100, EMPTY), /cannot use the empty prefix.*expireAllWindows\(\)/);
    assert.is(await tx.getLatestExpired(EMPTY), 20, 'the grid end is untouched');
    assert.equal(triples(await tx.expireWindows(100, bytes('a'))), [], 'other prefixes still expire per key');
    assert.is((await tx.expireAllWindows(45, 10)).length, 1, 'partition-wide expiry goes on');
    // Per-key expiry of the empty prefix first: partition-wide expiry is refused, in later transactions too.
    const perKey = await m.registerWindowedStore('topic', 'per_key').assignPartition(0);
    await commit(perKey, async (inner) => {
      await inner.updateWindow(0, 10, 'w0', 0, EMPTY);
      assert.equal(triples(await inner.expireWindows(5, EMPTY)), [[0, 10, 'w0']]);
      await refused(() => inner.expireAllWindows(25, 10), /expireWindows\(\) was used with the empty prefix/);
    });
    tx = perKey.begin();
    await refused(() => tx.expireAllWindows(25, 10), /expireWindows\(\) was used with the empty prefix/);
    assert.is(await tx.getLatestExpired(EMPTY), 0, 'the window start is untouched');
    await tx.updateWindow(10, 20, 'w10', 10, EMPTY);
    assert.equal(triples(await tx.expireWindows(15, EMPTY)), [[10, 20, 'w10']], 'per-key expiry of the empty prefix goes on');
  });

  scenario('§5.2 expireAllWindows leaves a window key holding an integer above 2^53 alone and logs a warning naming it', async ({ windowed }) => {
    const { partition } = await windowed();
    const hugePair = Uint8Array.from(Buffer.from(`${u64(2n ** 60n)}7c${u64(2n ** 60n + 10n)}`, 'hex'));
    await commit(partition, async (tx) => {
      tx.setBytes(hugePair, bytes('1'), bytes('a'));
      await tx.updateWindow(0, 10, 'w0', 0, bytes('a'));
    });
    const warnings = [];
    setLogger({ debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} });
    try {
      const tx = partition.begin();
      assert.equal((await tx.expireAllWindows(25, 10)).map((w) => w.value), ['w0']);
    } finally {
      setLogger(undefined);
    }
    assert.is(warnings.length, 1, warnings.join('\n'));
    assert.ok(/Skipping the window key b'a\|/.test(warnings[0]) && /safe integer/.test(warnings[0]), warnings[0]);
  });

  scenario('§5.2 expireAllWindows with collect returns values and deletes each prefix\'s values below the window start', async ({ windowed }) => {
    const { partition } = await windowed();
    const tx = partition.begin();
    for (const [prefix, start] of [['a', 0], ['a', 10], ['b', 0]]) await tx.updateWindow(start, start + 10, null, start, bytes(prefix));
    for (const [prefix, id] of [['a', 1], ['a', 11], ['b', 2]]) await tx.addToCollection(`${prefix}${id}`, id, bytes(prefix));
    const expired = await tx.expireAllWindows(20, 10, { collect: true });
    assert.equal(expired.map((w) => [text(w.prefix), w.start, w.collected]), [['a', 0, ['a1']], ['b', 0, ['b2']], ['a', 10, ['a11']]]);
    assert.equal(await tx.getFromCollection(0, 100, bytes('a')), ['a11'], 'values of the last expired window kept');
    assert.equal(await tx.getFromCollection(0, 100, bytes('b')), ['b2']);
    assert.equal(await tx.getWindows(-1, 100, bytes('a')), []);
  });

  // ---- collections and the counter ------------------------------------------------------------------

  scenario('§5.2 collections: ordered by id then insertion, cache-aware, with the value-deletion marker', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      await tx.addToCollection('b', 20, K);
      await tx.addToCollection('a', 10, K);
    });
    const tx = partition.begin();
    await tx.addToCollection('a2', 10, K);
    await tx.addToCollection('c', 30, K);
    assert.equal(await tx.getFromCollection(0, 100, K), ['a', 'a2', 'b', 'c']);
    assert.equal(await tx.getFromCollection(10, 30, K), ['a', 'a2', 'b'], 'start inclusive, end exclusive');
    assert.equal(await tx.getFromCollection(-5, 11, K), ['a', 'a2'], 'clamped at 0');
    assert.is(await tx.deleteFromCollection(20, K), 2);
    assert.equal(await tx.getFromCollection(0, 100, K), ['b', 'c']);
    await tx.addToCollection('old', 5, K);
    assert.is(await tx.deleteFromCollection(31, K), 2, 'from the marker (10) on: 20 and 30, not 5');
    assert.equal(await tx.getFromCollection(0, 100, K), ['old']);
    assert.is(await tx.deleteFromCollection(31, K, 0), 1, 'an explicit start reaches below the marker');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition, VALUES_CF_NAME), []);
    assert.equal(await contents(partition, LATEST_DELETED_VALUE_CF_NAME), [[hex(bytes('k|__value_deleted_start_gt__')), '5']]);
    assert.equal(await contents(partition, GLOBAL_COUNTER_CF_NAME), [[hex(bytes('__global_counter__')), '4']]);
  });

  scenario('§3.7 collection keys are P | u64(id) | u64(counter) in __values__; the id defaults to the counter', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      assert.is(await tx.addToCollection('x', 100, K), 100);
      assert.is(await tx.addToCollection('y', undefined, K), 1);
      assert.is(await tx.addToCollection('z', undefined, EMPTY), 2);
    });
    assert.equal(await contents(partition, VALUES_CF_NAME), [
      [`${u64(2)}7c${u64(2)}`, '"z"'],
      [`6b7c${u64(1)}7c${u64(1)}`, '"y"'],
      [`6b7c${u64(100)}7c${u64(0)}`, '"x"'],
    ]);
  });

  // ---- fixed reference quirks (spec §13) -------------------------------------------------------------

  scenario('quirk 3 fixed: deleteWindows records its marker when the last deleted window starts at 0', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      await tx.updateWindow(0, 10, 'first', 5, K);
      assert.is(await tx.deleteWindows(5, false, K), 1);
    });
    assert.equal(await contents(partition, LATEST_DELETED_WINDOW_CF_NAME), [[hex(bytes('k|__deleted_start_gt__')), '0']]);
    await commit(partition, async (tx) => {
      await tx.updateWindow(0, 10, 'again', 6, K);
      assert.is(await tx.deleteWindows(5, false, K), 0, 'the window at 0 is at the marker, so not deleted again');
    });
    assert.equal(triples(await partition.begin().getWindows(-1, 10, K)), [[0, 10, 'again']]);
  });

  scenario('quirk 4 fixed: expiry happens in the call: marker, deletes and results, with nothing left to consume', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10]) await tx.updateWindow(start, start + 10, start, start, K);
      for (const start of [0, 10]) await tx.updateWindow(start, start + 10, start, start, bytes('p'));
    });
    const tx = partition.begin();
    const result = tx.expireWindows(0, K);
    assert.ok(typeof result.then === 'function' && !(Symbol.asyncIterator in result), 'a promise of an array, not a lazy iterator');
    assert.ok(Array.isArray(await result));
    const all = await tx.expireAllWindows(10, 10);
    assert.equal(all.map((w) => [text(w.prefix), w.start]), [['p', 0]], 'k/0 was expired and deleted by the first call');
    await tx.prepare();
    await tx.flush();
    const after = partition.begin();
    assert.equal(triples(await after.getWindows(-1, 100, K)), [[10, 20, 10]]);
    assert.equal(triples(await after.getWindows(-1, 100, bytes('p'))), [[10, 20, 10]]);
    assert.is(await after.getLatestExpired(K), 0);
    assert.is(await after.getLatestExpired(EMPTY), 10);
  });

  scenario('quirk 5 fixed: expireAllWindows returns time order, expires windows off the step grid, ignores a grid at or below 0', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      await tx.updateWindow(10, 20, 'a10', 10, bytes('a'));
      await tx.updateWindow(0, 15, 'z0', 0, bytes('z'));
    });
    const tx = partition.begin();
    await tx.updateWindow(0, 10, 'm0', 0, bytes('m'));
    await tx.updateWindow(5, 20, 'b5', 5, bytes('b'));
    assert.equal(await tx.expireAllWindows(-3, 10), [], 'a negative grid end expires nothing');
    assert.equal(await tx.expireAllWindows(9, 10), [], 'a grid end of 0 expires nothing');
    assert.is(await tx.getLatestExpired(EMPTY), undefined, 'and writes no marker');
    const expired = await tx.expireAllWindows(20, 10);
    assert.equal(expired.map((w) => [w.start, w.end, w.value]), [[0, 10, 'm0'], [0, 15, 'z0'], [5, 20, 'b5'], [10, 20, 'a10']],
      'ascending by start then end, cache and database mixed, not cache first');
    await tx.updateWindow(10, 25, 'c10', 10, bytes('c'));
    await tx.updateWindow(20, 30, 'c20', 20, bytes('c'));
    const next = await tx.expireAllWindows(30, 10);
    assert.equal(next.map((w) => [w.start, w.end]), [[10, 25], [20, 30]], 'the window ending at 25, off the grid, is expired with the grid end 30');
    assert.is(await tx.getLatestExpired(EMPTY), 30);
  });

  scenario('quirk 6 fixed: addToCollection returns the id, and the counter survives a flush without prepare()', async ({ windowed }) => {
    const { partition } = await windowed();
    const first = partition.begin();
    assert.is(await first.addToCollection('a', 1000, K), 1000, 'the id, not the counter (0)');
    assert.is(await first.addToCollection('b', undefined, K), 1, 'without an id the counter is the id');
    await first.flush();
    const second = partition.begin();
    assert.is(await second.addToCollection('c', 1000, K), 1000);
    await second.flush();
    assert.equal(await partition.begin().getFromCollection(1000, 1001, K), ['a', 'c'], 'a fresh counter: "c" did not overwrite "a"');
  });

  scenario('quirk 7 fixed: getLatestTimestamp is undefined when nothing is known', async ({ windowed }) => {
    const { partition } = await windowed();
    const tx = partition.begin();
    assert.is(await tx.getLatestTimestamp(K), undefined);
    assert.is(await tx.asState(K).getLatestTimestamp(), undefined);
    assert.is(await tx.getLatestExpired(K), undefined);
    await tx.updateWindow(0, 10, 1, 0, K);
    assert.is(await tx.getLatestTimestamp(K), 0, 'a real 0 is 0');
  });

  scenario('quirk 10 fixed: keys(cf) honours the deletes of the family it lists', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      await tx.addToCollection('a', 1, K);
      await tx.addToCollection('b', 2, K);
      await tx.updateWindow(0, 10, 'w', 1, K);
    });
    const tx = partition.begin();
    await tx.deleteFromCollection(2, K);
    await tx.addToCollection('c', 3, K);
    // Cached updates first (spec §5.2), then the stored keys.
    assert.equal((await tx.keys(VALUES_CF_NAME)).map(hex), [`6b7c${u64(3)}7c${u64(2)}`, `6b7c${u64(2)}7c${u64(1)}`]);
    tx.deleteWindow(0, 10, K);
    assert.equal(await tx.keys(), []);
  });

  scenario('§5.2 keys(): this transaction\'s updates first (prefix by prefix, in the order written), then stored keys in key order, each once', async ({ windowed }) => {
    const { partition } = await windowed();
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20]) await tx.updateWindow(start, start + 10, 'stored', start, bytes('a'));
    });
    const tx = partition.begin();
    await tx.updateWindow(50, 60, 'new', 50, bytes('b'));
    await tx.updateWindow(10, 20, 'overwritten', 10, bytes('a'));
    await tx.updateWindow(30, 40, 'new', 30, bytes('b'));
    tx.deleteWindow(20, 30, bytes('a'));
    const key = (prefix, start) => `${hex(bytes(prefix))}7c${u64(start)}7c${u64(start + 10)}`;
    assert.equal((await tx.keys()).map(hex), [key('b', 50), key('b', 30), key('a', 10), key('a', 0)]);
  });

  scenario('quirk 14 fixed: every windowed method checks the transaction status', async ({ windowed }) => {
    const { partition } = await windowed();
    const tx = partition.begin();
    await tx.prepare();
    const calls = {
      getWindow: () => tx.getWindow(0, 10, K),
      updateWindow: () => tx.updateWindow(0, 10, 1, 1, K),
      deleteWindow: () => tx.deleteWindow(0, 10, K),
      getWindows: () => tx.getWindows(-1, 10, K),
      expireWindows: () => tx.expireWindows(10, K),
      expireAllWindows: () => tx.expireAllWindows(10, 10),
      deleteWindows: () => tx.deleteWindows(10, true, K),
      getLatestTimestamp: () => tx.getLatestTimestamp(K),
      getLatestExpired: () => tx.getLatestExpired(K),
      addToCollection: () => tx.addToCollection(1, 1, K),
      getFromCollection: () => tx.getFromCollection(0, 10, K),
      deleteFromCollection: () => tx.deleteFromCollection(10, K),
      keys: () => tx.keys(),
      asState: () => tx.asState(K),
    };
    for (const [name, call] of Object.entries(calls)) {
      const error = await rejection(assert, call, name);
      assert.ok(error instanceof StateTransactionError, `${name}: StateTransactionError`);
    }
    assert.is(tx.status, PartitionTransactionStatus.PREPARED, 'refused calls do not change the status');
  });

  scenario('quirk 15 fixed: the empty prefix works with range reads, expiry, deletion and collections', async ({ windowed }) => {
    const { partition } = await windowed();
    // Its keys fall inside the empty prefix's ranges (they start with u64(0)), so only the key shape tells them apart.
    const ZEROS = new Uint8Array(8);
    await commit(partition, async (tx) => {
      for (const start of [0, 10, 20]) await tx.updateWindow(start, start + 10, start, start, EMPTY);
      await tx.updateWindow(0, 10, 'other prefix', 5, ZEROS);
      await tx.addToCollection('x', 5, EMPTY);
      await tx.addToCollection('y', 15, EMPTY);
    });
    const tx = partition.begin();
    assert.equal(triples(await tx.getWindows(-1, 100, EMPTY)), [[0, 10, 0], [10, 20, 10], [20, 30, 20]], 'no window of another prefix');
    assert.equal(triples(await tx.getWindows(-1, 100, EMPTY, { backwards: true })), [[20, 30, 20], [10, 20, 10], [0, 10, 0]]);
    assert.equal(await tx.getFromCollection(0, 100, EMPTY), ['x', 'y']);
    const expired = await tx.expireWindows(0, EMPTY, { collect: true });
    assert.equal(expired.map((w) => [w.start, w.collected]), [[0, ['x']]]);
    assert.is(await tx.deleteWindows(10, true, EMPTY), 1, 'the window at 10 (the one at 0 was expired)');
    assert.equal(triples(await tx.getWindows(-1, 100, EMPTY)), [[20, 30, 20]]);
    assert.equal(await tx.getFromCollection(0, 100, EMPTY), ['y']);
    assert.equal(triples(await tx.getWindows(-1, 100, ZEROS)), [[0, 10, 'other prefix']], 'the other prefix is untouched');
  });

  // ---- the state view -------------------------------------------------------------------------------

  scenario('§5.1 WindowedState binds the prefix for every operation, plain key/value ones included', async ({ windowed }) => {
    const { partition } = await windowed();
    const tx = partition.begin();
    const state = tx.asState('user-1');
    assert.equal([...state.prefix], [...bytes('"user-1"')], 'a non-bytes key is serialized once');
    await state.updateWindow(0, 10, 'w0', 3);
    await state.updateWindow(10, 20, 'w1', 12);
    state.set('metadata', { n: 1 });
    assert.is(await state.getWindow(0, 10), 'w0');
    assert.equal(triples(await state.getWindows(-1, 20, { backwards: true })), [[10, 20, 'w1'], [0, 10, 'w0']]);
    assert.is(await state.getLatestTimestamp(), 12);
    assert.is(await state.addToCollection('c', 4), 4);
    assert.equal(await state.getFromCollection(0, 10), ['c']);
    assert.equal(triples(await state.expireWindows(0, { collect: true })), [[0, 10, 'w0']]);
    state.deleteWindow(10, 20);
    assert.is(await state.deleteWindows(100, true), 0);
    assert.is(await state.deleteFromCollection(100, 0), 0, 'deleted by deleteWindows(…, true) already');
    assert.equal((await state.get('metadata')).n, 1);
    assert.equal(await tx.getWindows(-1, 100, bytes('"user-1"')), []);
    assert.is(await tx.getLatestTimestamp(bytes('"user-1"')), 12, 'the same data as the transaction-level call with the bytes');
  });

  // ---- changelog and recovery -----------------------------------------------------------------------

  scenario('§10 prepare produces windows, markers, collections and the counter with their column families', async ({ windowed }) => {
    const changelog = new MemoryChangelog();
    const { partition } = await windowed({ groupId: 'g', changelogProducerFactory: changelog.factory });
    await commit(partition, async (tx) => {
      await tx.updateWindow(0, 10, 1, 5, K);
      await tx.addToCollection('v', 5, K);
      await tx.expireWindows(0, K, { collect: true });
    });
    const produced = changelog.messages('changelog__g--topic--windows', 0).map((m) => [text(m.headers.__column_family__), hex(m.key), m.value === null ? null : text(m.value)]);
    const byFamily = (cf) => produced.filter(([family]) => family === cf).map(([, key, value]) => [key, value]);
    assert.equal(byFamily('default'), [[`6b7c${u64(0)}7c${u64(10)}`, null]], 'set then deleted in one transaction: only the tombstone');
    assert.equal(byFamily(LATEST_TIMESTAMPS_CF_NAME), [[hex(bytes('k|__latest_timestamp__')), '5']]);
    assert.equal(byFamily(LATEST_EXPIRED_WINDOW_CF_NAME), [[hex(bytes('k|__expired_start_gt__')), '0']]);
    assert.equal(byFamily(VALUES_CF_NAME), [[`6b7c${u64(5)}7c${u64(0)}`, '"v"']]);
    assert.equal(byFamily(GLOBAL_COUNTER_CF_NAME), [[hex(bytes('__global_counter__')), '0']]);
    assert.ok(!produced.some(([family]) => family === '__metadata__'));
  });

  scenario('§10.3 a window store replayed from its changelog into an empty partition gives identical results', async ({ manager }) => {
    const changelog = new MemoryChangelog();
    const source = manager({ groupId: 'source', changelogProducerFactory: changelog.factory });
    const store = source.registerWindowedStore('topic', 'hopping_window_20_10_sum');
    const partition = await store.assignPartition(0);
    const topic = changelog.bound[0].name;
    const prefixes = [bytes('a'), bytes('b'), EMPTY];
    for (let round = 0; round < 6; round++) {
      const tx = partition.begin();
      for (const [index, prefix] of prefixes.entries()) {
        const timestamp = round * 10 + index;
        for (const start of [timestamp - (timestamp % 10) - 10, timestamp - (timestamp % 10)].filter((start) => start >= 0)) {
          await tx.updateWindow(start, start + 20, ((await tx.getWindow(start, start + 20, prefix)) ?? 0) + timestamp, timestamp, prefix);
        }
        await tx.addToCollection({ round, index }, timestamp, prefix);
        if (round % 2 === 1) await tx.expireWindows(timestamp - 30, prefix, { collect: true });
      }
      if (round === 4) await tx.deleteWindows(20, true, bytes('b'));
      await tx.prepare({ source: round });
      await tx.flush(changelog.lastOffset(topic, 0));
    }
    const target = manager({ groupId: 'target' });
    const rebuilt = await target.registerWindowedStore('topic', 'hopping_window_20_10_sum').assignPartition(0);
    assert.equal(await contents(rebuilt), [], 'the target starts empty');
    for (const message of changelog.messages(topic, 0)) assert.is(await rebuilt.recoverFromChangelogMessage(message, { source: 100 }), 'applied');
    const view = async (p) => {
      const tx = p.begin();
      const out = [];
      for (const prefix of prefixes) {
        out.push({
          forward: await tx.getWindows(-1, 1000, prefix),
          backwards: await tx.getWindows(-1, 1000, prefix, { backwards: true }),
          collection: await tx.getFromCollection(0, 1000, prefix),
          latest: await tx.getLatestTimestamp(prefix),
          expired: await tx.getLatestExpired(prefix),
        });
      }
      return out;
    };
    const expected = await view(partition);
    assert.ok(expected[0].forward.length > 0 && expected[0].collection.length > 0, 'there is something to compare');
    assert.equal(await view(rebuilt), expected);
    for (const cf of WINDOW_CFS) assert.equal(await contents(rebuilt, cf), await contents(partition, cf), cf);
    assert.is(await rebuilt.getChangelogOffset(), await partition.getChangelogOffset());
    const next = [partition.begin(), rebuilt.begin()];
    const results = [];
    for (const tx of next) results.push([await tx.addToCollection('after', undefined, K), await tx.expireWindows(1000, bytes('a'))]);
    assert.equal(results[1], results[0], 'the counter and the markers continue identically');
  });

  scenario('§10.3 recovery honours processed offsets for windowed families too', async ({ manager }) => {
    const changelog = new MemoryChangelog();
    const source = manager({ groupId: 'source', changelogProducerFactory: changelog.factory });
    const partition = await source.registerWindowedStore('topic', 'w').assignPartition(0);
    const topic = changelog.bound[0].name;
    for (const round of [0, 1]) {
      const tx = partition.begin();
      await tx.updateWindow(round * 10, round * 10 + 10, round, round * 10, K);
      await tx.prepare({ source: round });
      await tx.flush(changelog.lastOffset(topic, 0));
    }
    const rebuilt = await manager({ groupId: 'target' }).registerWindowedStore('topic', 'w').assignPartition(0);
    for (const message of changelog.messages(topic, 0)) await rebuilt.recoverFromChangelogMessage(message, { source: 1 });
    const tx = rebuilt.begin();
    assert.equal(triples(await tx.getWindows(-1, 100, K)), [[0, 10, 0]], 'the uncommitted round is skipped');
    assert.is(await tx.getLatestTimestamp(K), 0);
    assert.is(await rebuilt.getChangelogOffset(), changelog.lastOffset(topic, 0), 'skipped messages still advance the offset');
  });
}
