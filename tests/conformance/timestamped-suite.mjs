// The timestamped-state conformance suite: spec §3.8, §6 and the changelog/recovery of timestamped
// stores (§10.3), registered into whatever test runner the caller uses and run against every
// backend. Same shape as state-suite.mjs:
//
//   import { timestampedSuite } from './conformance/timestamped-suite.mjs';
//   timestampedSuite(test, assert, async () => ({ backend: 'memory', stateDir, cleanup }));
//
// - test(name, fn): registers one async test; assert: { ok, is, equal } (uvu/assert fits);
// - makeEnv(): { backend, stateDir (fresh per test), cleanup() }.
//
// Each reference quirk (spec §13) fixed in timestamped state has one test named "quirk N fixed: ...".
import {
  GLOBAL_COUNTER_CF_NAME,
  MIN_ELIGIBLE_TIMESTAMPS_CF_NAME,
  PartitionTransactionStatus,
  StateTransactionError,
  StoreAlreadyRegisteredError,
  TimestampedMemoryStore,
  TimestampedPartitionTransaction,
  TimestampedRocksDBStore,
  TimestampedSlateDBStore,
  TimestampedStore,
  STORES,
} from 'streamstate';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { bytes, commit, contentsAs, hex, makeScenario, rejection, text, u64 } from './support.mjs';

const TIMESTAMPED_CFS = ['default', MIN_ELIGIBLE_TIMESTAMPS_CF_NAME, GLOBAL_COUNTER_CF_NAME];
const K = bytes('k');

/** Every entry of one column family of a partition, as [hex key, value as text, or hex for raw families]. */
const contents = contentsAs((key, value, cfName) => [hex(key), cfName === MIN_ELIGIBLE_TIMESTAMPS_CF_NAME ? hex(value) : text(value)]);

/**
 * Registers the suite.
 * @param test - (name, async fn) => void
 * @param assert - { ok, is, equal }
 * @param makeEnv - async () => ({ backend, stateDir, cleanup })
 */
export function timestampedSuite(test, assert, makeEnv) {
  const scenario = makeScenario(test, makeEnv, (ctx) => ({
    /** A timestamped store "join" on stream "topic", partition 0 assigned. */
    async timestamped(settings = {}, options = {}) {
      const manager = ctx.manager(options);
      const store = manager.registerTimestampedStore('topic', 'join', { graceMs: 10, keepDuplicates: false, ...settings });
      return { manager, store, partition: await store.assignPartition(0) };
    },
  }));

  // ---- stores and layout ----------------------------------------------------------------------------

  scenario('§9.2 registerTimestampedStore makes the backend\'s timestamped store with its settings; duplicates throw', async ({ env, manager }) => {
    const m = manager();
    const store = m.registerTimestampedStore('topic', 'join', { graceMs: 500, keepDuplicates: true });
    assert.ok(store instanceof TimestampedStore);
    const expected = { memory: TimestampedMemoryStore, rocksdb: TimestampedRocksDBStore, slatedb: TimestampedSlateDBStore }[env.backend];
    assert.is(STORES[env.backend].timestamped, expected);
    assert.is(store.constructor, expected, `a ${expected.name}`);
    assert.equal([store.graceMs, store.keepDuplicates], [500, true]);
    const duplicate = await rejection(assert, () => m.registerTimestampedStore('topic', 'join', { graceMs: 1, keepDuplicates: false }));
    assert.ok(duplicate instanceof StoreAlreadyRegisteredError);
    const tx = (await store.assignPartition(0)).begin();
    assert.ok(tx instanceof TimestampedPartitionTransaction);
    assert.equal([tx.graceMs, tx.keepDuplicates], [500, true]);
    for (const [settings, field] of [[{ graceMs: -1, keepDuplicates: false }, 'graceMs'], [{ graceMs: 1.5, keepDuplicates: false }, 'graceMs'], [{ graceMs: 0, keepDuplicates: 'yes' }, 'keepDuplicates']]) {
      const error = await rejection(assert, () => m.registerTimestampedStore('topic', `bad-${field}-${String(settings[field])}`, settings));
      assert.is(error.code, 'INVALID_OPTIONS', field);
      assert.ok(error.message.includes(field), error.message);
    }
  });

  scenario('§3.8 entries are P | u64(ts) | u64(counter); the separator stays for the empty prefix; the watermark is raw u64', async ({ timestamped }) => {
    const { partition } = await timestamped({ graceMs: 10, keepDuplicates: true });
    await commit(partition, async (tx) => {
      await tx.setForTimestamp(100, 'a', K);
      await tx.setForTimestamp(105, 'b', new Uint8Array(0));
    });
    assert.equal(await contents(partition), [
      [`6b7c${u64(100)}7c${u64(0)}`, '"a"'],
      [`7c${u64(105)}7c${u64(1)}`, '"b"'],
    ]);
    assert.equal(await contents(partition, MIN_ELIGIBLE_TIMESTAMPS_CF_NAME), [
      [hex(bytes('k|__min_eligible_timestamps__')), u64(90)],
      [hex(bytes('|__min_eligible_timestamps__')), u64(95)],
    ]);
    assert.equal(await contents(partition, GLOBAL_COUNTER_CF_NAME), [[hex(bytes('|__global_counter__')), '1']], 'the counter key carries the separator too');
  });

  scenario('§6.1 plain keys of a timestamped store carry the separator, and a non-bytes prefix is serialized', async ({ timestamped }) => {
    const { partition } = await timestamped();
    await commit(partition, async (tx) => {
      tx.asState().set('meta', 1);
      await tx.setForTimestamp(5, 'x', 'key');
    });
    assert.equal(await contents(partition), [
      [`${hex(bytes('"key"'))}7c${u64(5)}7c${u64(0)}`, '"x"'],
      [hex(bytes('|"meta"')), '1'],
    ]);
    const tx = partition.begin();
    assert.is(await tx.getLatest(5, bytes('"key"')), 'x', '"key" and the bytes of its JSON address the same data');
    assert.is(await tx.asState().get('meta'), 1);
  });

  // ---- reads ----------------------------------------------------------------------------------------

  scenario('§6.3 getLatest: the latest value at or before the timestamp (inclusive), undefined when none', async ({ timestamped }) => {
    const { partition } = await timestamped({ graceMs: 1000 });
    await commit(partition, async (tx) => {
      for (const ts of [10, 20, 30]) await tx.setForTimestamp(ts, `v${ts}`, K);
    });
    const tx = partition.begin();
    assert.is(await tx.getLatest(9, K), undefined);
    assert.is(await tx.getLatest(10, K), 'v10', 'inclusive');
    assert.is(await tx.getLatest(29, K), 'v20');
    assert.is(await tx.getLatest(1000, K), 'v30');
    assert.is(await tx.getLatest(1000, bytes('k2')), undefined, 'another prefix sees nothing');
  });

  scenario('§6.3 getLatest(-1) is undefined (timestamp + 1 = 0 is at or below any watermark); below -1 is an argument error', async ({ timestamped }) => {
    const { partition } = await timestamped({ graceMs: 1000 });
    await commit(partition, async (tx) => {
      await tx.setForTimestamp(0, 'v0', K);
    });
    const tx = partition.begin();
    await tx.setForTimestamp(0, 'cached', bytes('k2'));
    assert.is(await tx.getLatest(-1, K), undefined, 'nothing is at or before -1, stored');
    assert.is(await tx.getLatest(-1, bytes('k2')), undefined, 'nor cached');
    assert.is(await tx.getLatest(0, K), 'v0');
    const error = await rejection(assert, () => tx.getLatest(-2, K));
    assert.is(error.code, 'STATE_INVALID_ARGUMENT');
    assert.is(tx.status, PartitionTransactionStatus.STARTED);
  });

  scenario('§6.3 prefixes are isolated even when one is a prefix of the other', async ({ timestamped }) => {
    const { partition } = await timestamped({ graceMs: 1000 });
    await commit(partition, async (tx) => {
      await tx.setForTimestamp(10, 'key', bytes('key'));
      await tx.setForTimestamp(20, 'key2', bytes('key2'));
    });
    const tx = partition.begin();
    assert.is(await tx.getLatest(100, bytes('key')), 'key');
    assert.equal(await tx.getInterval(0, 100, bytes('key')), ['key']);
    assert.equal(await tx.getInterval(0, 100, bytes('key2')), ['key2']);
  });

  scenario('§6.2 without duplicates a second value at one timestamp replaces the first', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: false, graceMs: 1000 });
    await commit(partition, async (tx) => {
      await tx.setForTimestamp(10, 'first', K);
    });
    const tx = partition.begin();
    await tx.setForTimestamp(10, 'second', K);
    assert.is(await tx.getLatest(10, K), 'second');
    assert.equal(await tx.getInterval(0, 100, K), ['second']);
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition), [[`6b7c${u64(10)}7c${u64(0)}`, '"second"']]);
    assert.equal(await contents(partition, GLOBAL_COUNTER_CF_NAME), [], 'no counter without duplicates');
  });

  scenario('§6.2 with duplicates every value is kept, and the latest one set at a timestamp wins a tie', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: true, graceMs: 1000 });
    await commit(partition, async (tx) => {
      await tx.setForTimestamp(10, 'first', K);
      await tx.setForTimestamp(10, 'second', K);
    });
    const tx = partition.begin();
    assert.is(await tx.getLatest(10, K), 'second', 'the stored tie: highest counter');
    await tx.setForTimestamp(10, 'third', K);
    await tx.setForTimestamp(5, 'older', K);
    assert.is(await tx.getLatest(10, K), 'third', 'a tie won by this transaction\'s later write');
    assert.equal(await tx.getInterval(0, 11, K), ['older', 'first', 'second', 'third']);
    await tx.prepare();
    await tx.flush();
    assert.is((await contents(partition)).length, 4);
  });

  scenario('§6.3 uncommitted values take precedence; deletes fall back to older stored entries', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: false, graceMs: 1000 });
    await commit(partition, async (tx) => {
      for (const ts of [10, 20, 30]) await tx.setForTimestamp(ts, `db${ts}`, K);
    });
    const tx = partition.begin();
    await tx.setForTimestamp(20, 'cache20', K);
    assert.is(await tx.getLatest(25, K), 'cache20', 'the cached value of an equal key wins');
    await tx.setForTimestamp(15, 'cache15', K);
    assert.is(await tx.getLatest(19, K), 'cache15', 'a cached key above the stored one');
    assert.is(await tx.getLatest(35, K), 'db30', 'a stored key above the cached ones');
    tx.delete(encodePair(30, 0), K);
    assert.is(await tx.getLatest(35, K), 'cache20', 'a deleted stored entry is skipped');
    tx.delete(encodePair(20, 0), K);
    tx.delete(encodePair(15, 0), K);
    assert.is(await tx.getLatest(35, K), 'db10', 'down to the next stored entry');
    assert.equal(await tx.getInterval(0, 100, K), ['db10']);
  });

  scenario('§6.5 getInterval: [start, end) ascending, cache-aware, not bounded by the watermark', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: true, graceMs: 5 });
    const tx = partition.begin();
    for (const ts of [0, 10, 20, 30]) await tx.setForTimestamp(ts, ts, K);
    assert.is(await tx.getMinEligibleTimestamp(K), 25);
    assert.equal(await tx.getInterval(10, 30, K), [10, 20], 'start inclusive, end exclusive');
    assert.equal(await tx.getInterval(-10, 11, K), [0, 10], 'below the watermark too, before prepare');
    assert.equal(await tx.getInterval(30, 30, K), []);
    assert.equal(await tx.getInterval(40, 20, K), []);
    assert.is(await tx.getLatest(24, K), undefined, 'getLatest is bounded by the watermark (25)');
    assert.is(await tx.getLatest(29, K), undefined, 'nothing between the watermark and 29');
    assert.is(await tx.getLatest(30, K), 30);
  });

  // ---- grace and expiry -----------------------------------------------------------------------------

  scenario('§6.4 entries written below the watermark in the same transaction are deleted at prepare', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: false, graceMs: 10 });
    const tx = partition.begin();
    for (const ts of [1, 5, 30]) await tx.setForTimestamp(ts, `k${ts}`, K);
    await tx.setForTimestamp(2, 'u2', bytes('untouched'));
    assert.equal(await tx.getInterval(0, 100, K), ['k1', 'k5', 'k30'], 'readable before prepare');
    await tx.prepare();
    await tx.flush();
    assert.equal((await contents(partition)).map(([, value]) => value), ['"k30"', '"u2"'], 'k1 and k5 are below the watermark 20');
  });

  scenario('§6.4 grace expiry: stored and cached entries below the watermark are deleted at prepare, and produced as tombstones', async ({ timestamped }) => {
    const changelog = new MemoryChangelog();
    const { partition } = await timestamped({ keepDuplicates: false, graceMs: 10 }, { groupId: 'g', changelogProducerFactory: changelog.factory });
    const untouched = bytes('untouched');
    await commit(partition, async (tx) => {
      for (const ts of [1, 5]) await tx.setForTimestamp(ts, `k${ts}`, K);
      await tx.setForTimestamp(2, 'u2', untouched);
    });
    const before = changelog.messages('changelog__g--topic--join', 0).length;
    const tx = partition.begin();
    await tx.setForTimestamp(3, 'k3', K);
    await tx.setForTimestamp(20, 'k20', K);
    assert.equal(await tx.getInterval(0, 100, K), ['k1', 'k3', 'k5', 'k20'], 'visible until prepare');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(partition), [
      [`6b7c${u64(20)}7c${u64(0)}`, '"k20"'],
      [`${hex(untouched)}7c${u64(2)}7c${u64(0)}`, '"u2"'],
    ], 'k1 and k5 (stored) and k3 (cached) deleted below 10; the untouched prefix keeps its entry');
    const produced = changelog.messages('changelog__g--topic--join', 0).slice(before);
    const tombstones = produced.filter((m) => m.value === null).map((m) => hex(m.key)).sort();
    assert.equal(tombstones, [1, 3, 5].map((ts) => `6b7c${u64(ts)}7c${u64(0)}`));
  });

  scenario('quirk 1 fixed: the watermark is read from its own column family, so it carries over between transactions', async ({ timestamped }) => {
    const { manager, partition } = await timestamped({ keepDuplicates: false, graceMs: 5 });
    await commit(partition, (tx) => tx.setForTimestamp(80, 'old', K));
    // Flushed without prepare(): the watermark 95 is stored but "old" is not expired yet.
    const raise = partition.begin();
    await raise.setForTimestamp(100, 'new', K);
    await raise.flush();
    await manager.onPartitionRevoke('topic', 0);
    const reopened = await manager.getStore('topic', 'join').assignPartition(0);
    const tx = reopened.begin();
    assert.is(await tx.getMinEligibleTimestamp(K), 95, 'read back from __min-eligible-timestamps__');
    assert.is(await tx.getLatest(90, K), undefined, 'below the stored watermark: nothing');
    assert.is(await tx.getLatest(100, K), 'new');
    tx.asState(K).set('plain', 1);
    await tx.setForTimestamp(50, 'too late', bytes('other'));
    await tx.prepare();
    await tx.flush();
    assert.equal((await contents(reopened)).map(([, value]) => value), ['"new"', '1', '"too late"'], 'writing the prefix expired "old" (80 < 95) with the stored watermark');
    const next = reopened.begin();
    await next.setForTimestamp(60, 'later', K);
    assert.is(await next.getMinEligibleTimestamp(K), 95, 'the watermark never goes down');
  });

  scenario('§6.2 the duplicate counter survives a flush without prepare()', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: true, graceMs: 1000 });
    const first = partition.begin();
    await first.setForTimestamp(10, 'a', K);
    await first.flush();
    const second = partition.begin();
    await second.setForTimestamp(10, 'b', K);
    await second.flush();
    assert.equal(await partition.begin().getInterval(0, 100, K), ['a', 'b'], '"b" got a fresh counter and did not replace "a"');
  });

  scenario('quirk 14 fixed: every timestamped method checks the transaction status', async ({ timestamped }) => {
    const { partition } = await timestamped();
    const tx = partition.begin();
    await tx.flush();
    for (const [name, call] of Object.entries({
      getInterval: () => tx.getInterval(0, 10, K),
      getLatest: () => tx.getLatest(10, K),
      setForTimestamp: () => tx.setForTimestamp(10, 1, K),
      getMinEligibleTimestamp: () => tx.getMinEligibleTimestamp(K),
      asState: () => tx.asState(K),
    })) {
      const error = await rejection(assert, call, name);
      assert.ok(error instanceof StateTransactionError, name);
    }
    assert.is(tx.status, PartitionTransactionStatus.COMPLETE);
  });

  scenario('§6 TimestampedState binds the prefix', async ({ timestamped }) => {
    const { partition } = await timestamped({ keepDuplicates: true, graceMs: 100 });
    const tx = partition.begin();
    const state = tx.asState('user');
    await state.setForTimestamp(10, 'a');
    await state.setForTimestamp(20, 'b');
    state.set('meta', true);
    assert.is(await state.getLatest(15), 'a');
    assert.equal(await state.getInterval(0, 100), ['a', 'b']);
    assert.is(await state.get('meta'), true);
    assert.equal(await tx.getInterval(0, 100, 'user'), ['a', 'b']);
    assert.equal(await tx.getInterval(0, 100, K), []);
  });

  scenario('§6 argument errors do not fail the transaction', async ({ timestamped }) => {
    const { partition } = await timestamped();
    const tx = partition.begin();
    for (const call of [() => tx.setForTimestamp(-1, 1, K), () => tx.getLatest(1.5, K), () => tx.getInterval('a', 2, K)]) {
      const error = await rejection(assert, call);
      assert.is(error.code, 'STATE_INVALID_ARGUMENT');
    }
    assert.is(tx.status, PartitionTransactionStatus.STARTED);
  });

  // ---- changelog and recovery -----------------------------------------------------------------------

  scenario('§10.3 a timestamped store replayed from its changelog into an empty partition gives identical results', async ({ manager }) => {
    const changelog = new MemoryChangelog();
    const source = manager({ groupId: 'source', changelogProducerFactory: changelog.factory });
    const store = source.registerTimestampedStore('topic', 'join', { graceMs: 15, keepDuplicates: true });
    const partition = await store.assignPartition(0);
    const topic = changelog.bound[0].name;
    const prefixes = [bytes('a'), bytes('b'), new Uint8Array(0)];
    for (let round = 0; round < 6; round++) {
      const tx = partition.begin();
      for (const [index, prefix] of prefixes.entries()) {
        if ((round + index) % 3 === 2) continue;
        await tx.setForTimestamp(round * 7 + index, { round, index }, prefix);
        await tx.setForTimestamp(round * 7 + index, { round, index, duplicate: true }, prefix);
      }
      await tx.prepare({ source: round });
      await tx.flush(changelog.lastOffset(topic, 0));
    }
    const rebuilt = await manager({ groupId: 'target' }).registerTimestampedStore('topic', 'join', { graceMs: 15, keepDuplicates: true }).assignPartition(0);
    assert.equal(await contents(rebuilt), []);
    for (const message of changelog.messages(topic, 0)) assert.is(await rebuilt.recoverFromChangelogMessage(message, { source: 100 }), 'applied');
    const view = async (p) => {
      const tx = p.begin();
      const out = [];
      for (const prefix of prefixes) {
        const latest = [];
        for (let ts = 0; ts < 45; ts += 3) latest.push(await tx.getLatest(ts, prefix));
        out.push({ interval: await tx.getInterval(0, 100, prefix), latest, watermark: await tx.getMinEligibleTimestamp(prefix) });
      }
      return out;
    };
    const expected = await view(partition);
    assert.ok(expected[0].interval.length > 0 && expected[0].watermark > 0, 'there is something to compare');
    assert.equal(await view(rebuilt), expected);
    for (const cf of TIMESTAMPED_CFS) assert.equal(await contents(rebuilt, cf), await contents(partition, cf), cf);
    const next = [partition.begin(), rebuilt.begin()];
    for (const tx of next) await tx.setForTimestamp(50, 'next', bytes('a'));
    assert.equal(await next[1].getInterval(0, 100, bytes('a')), await next[0].getInterval(0, 100, bytes('a')));
  });
}

function encodePair(a, b) {
  const out = new Uint8Array(17);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(a));
  out[8] = 0x7c;
  view.setBigUint64(9, BigInt(b));
  return out;
}
