// Window operators over windowed state: definitions and store names, window ranges,
// tumbling and hopping aggregations with final and current emission, grace and late messages,
// collect, and a generated stream checked against a direct model, on every backend.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hoppingWindow, StateStoreManager, timeWindowRanges, tumblingWindow } from 'streamstate';
import { stateBackends } from './helpers/backend-matrix.mjs';
import { bytes, text } from './conformance/support.mjs';
import { rejectionOf } from './helpers/fixtures.mjs';

const K = bytes('k');

/** Emitted windows as [key text, start, end, value]. */
const rows = (results) => results.map((r) => [text(r.key), r.start, r.end, r.value]);

// ---- definitions ---------------------------------------------------------------------------------

const definitions = suite('windows: definitions');

definitions('store names follow the reference: <name>_<kind>_<duration>[_<step>]_<func>', () => {
  assert.is(tumblingWindow({ durationMs: 60000 }).sum().storeName, 'tumbling_window_60000_sum');
  assert.is(tumblingWindow({ durationMs: 60000, name: 'revenue' }).count().storeName, 'revenue_tumbling_window_60000_count');
  assert.is(hoppingWindow({ durationMs: 10000, stepMs: 5000 }).count().storeName, 'hopping_window_10000_5000_count');
  const tumbling = tumblingWindow({ durationMs: 10 });
  assert.equal(
    [tumbling.min(), tumbling.max(), tumbling.mean(), tumbling.reduce((a) => a, (v) => v), tumbling.collect()].map((p) => p.storeName),
    ['tumbling_window_10_min', 'tumbling_window_10_max', 'tumbling_window_10_mean', 'tumbling_window_10_reduce', 'tumbling_window_10_collect'],
  );
  const custom = tumbling.aggregate({ name: 'last', first: (v) => v, add: (_, v) => v, result: (v) => v });
  assert.is(custom.storeName, 'tumbling_window_10_last');
  assert.is(tumbling.sum().current().storeName, 'tumbling_window_10_sum', 'emission does not change the store');
});

definitions('invalid definitions are refused with INVALID_OPTIONS and a message naming the field', async () => {
  const cases = [
    [() => tumblingWindow({ durationMs: 0 }), /durationMs must be a positive integer/],
    [() => tumblingWindow({ durationMs: 1.5 }), /durationMs/],
    [() => tumblingWindow({ durationMs: 10, graceMs: -1 }), /graceMs/],
    [() => hoppingWindow({ durationMs: 10, stepMs: 10 }), /stepMs \(10\) must be smaller than its durationMs/],
    [() => hoppingWindow({ durationMs: 10, stepMs: 0 }), /stepMs must be a positive integer/],
    [() => tumblingWindow({ durationMs: 10, name: 'a b' }), /window name/],
    [() => tumblingWindow({ durationMs: 10 }).aggregate({ name: 'x/y', first: () => 0, add: () => 0, result: () => 0 }), /aggregation name/],
  ];
  for (const [make, message] of cases) {
    const error = await rejectionOf(make);
    assert.is(error.code, 'INVALID_OPTIONS', String(message));
    assert.match(error.message, message);
  }
  const collectCurrent = await rejectionOf(() => tumblingWindow({ durationMs: 10 }).collect().current());
  assert.is(collectCurrent.code, 'STATE_INVALID_ARGUMENT');
});

definitions('timeWindowRanges: the windows containing a timestamp, aligned to the epoch, none before 0', () => {
  assert.equal(timeWindowRanges(25, 10, 10), [[20, 30]]);
  assert.equal(timeWindowRanges(20, 10, 10), [[20, 30]], 'a window contains its start');
  assert.equal(timeWindowRanges(25, 20, 10), [[10, 30], [20, 40]]);
  assert.equal(timeWindowRanges(30, 20, 5), [[15, 35], [20, 40], [25, 45], [30, 50]]);
  assert.equal(timeWindowRanges(5, 20, 10), [[0, 20]], 'no window starts below 0');
  assert.equal(timeWindowRanges(0, 20, 10), [[0, 20]]);
});

definitions.run();

// ---- operators on every backend ------------------------------------------------------------------

function windowsSuite(test, makeEnv) {
  const scenario = (name, fn) =>
    test(name, async () => {
      const env = await makeEnv();
      const manager = new StateStoreManager({ stateDir: env.stateDir, backend: env.backend });
      const open = async (processor) => {
        const store = manager.getStore('events', processor.storeName);
        await store.assignPartition(0);
        return store;
      };
      try {
        await fn({ manager, open, register: (processor) => manager.registerWindowedStore('events', processor.storeName) });
      } finally {
        await manager.close();
        await env.cleanup();
      }
    });

  /** Runs (key, value, timestamp) messages through a processor in one transaction, committed; returns everything emitted. */
  const run = async (store, processor, messages) => {
    const tx = store.startPartitionTransaction(0);
    const emitted = [];
    for (const [key, value, timestamp] of messages) emitted.push(...(await processor.process(tx, bytes(key), value, timestamp)));
    await tx.prepare();
    await tx.flush();
    return emitted;
  };

  scenario('tumbling sum, final: each window once, when a later message of its key closes it', async ({ register, open }) => {
    const sums = tumblingWindow({ durationMs: 10 }).sum((event) => event.amount);
    register(sums);
    const store = await open(sums);
    const emitted = await run(store, sums, [
      ['k', { amount: 1 }, 1],
      ['k', { amount: 2 }, 9],
      ['k', { amount: 4 }, 10],
      ['other', { amount: 100 }, 35],
      ['k', { amount: 8 }, 25],
      ['k', { amount: 16 }, 26],
    ]);
    assert.equal(rows(emitted), [['k', 0, 10, 3], ['k', 10, 20, 4]], 'the other key\'s time does not close k\'s windows');
    assert.equal(rows(await run(store, sums, [['k', { amount: 0 }, 40]])), [['k', 20, 30, 24]], 'carries over a committed transaction');
  });

  scenario('grace: a message within the grace period still counts; a later one is dropped and reported', async ({ register, open }) => {
    const late = [];
    const sums = tumblingWindow({ durationMs: 10, graceMs: 5, onLate: (message) => late.push(message) }).sum();
    register(sums);
    const store = await open(sums);
    const emitted = await run(store, sums, [
      ['k', 1, 2],
      ['k', 10, 12],
      ['k', 100, 8],
      ['k', 1000, 15],
      ['k', 10000, 9],
      ['k', 5, 31],
    ]);
    assert.equal(rows(emitted), [['k', 0, 10, 101], ['k', 10, 20, 1010]], '8 arrives at 12 (within grace); 9 at 15 is too late for [0, 10)');
    assert.equal(late.map((m) => [m.value, m.timestampMs, m.start, m.end, m.lateByMs]), [[10000, 9, 0, 10, 1]]);
    assert.equal([...late[0].key], [...K]);
  });

  scenario('current emission returns every window a message updates, with its aggregate so far', async ({ register, open }) => {
    const counts = hoppingWindow({ durationMs: 20, stepMs: 10 }).count().current();
    register(counts);
    const store = await open(counts);
    const emitted = await run(store, counts, [
      ['k', 'a', 5],
      ['k', 'b', 15],
      ['k', 'c', 16],
    ]);
    assert.equal(rows(emitted), [
      ['k', 0, 20, 1],
      ['k', 0, 20, 2],
      ['k', 10, 30, 1],
      ['k', 0, 20, 3],
      ['k', 10, 30, 2],
    ]);
  });

  scenario('hopping count, final: overlapping windows close in time order', async ({ register, open }) => {
    const counts = hoppingWindow({ durationMs: 20, stepMs: 10 }).count();
    register(counts);
    const store = await open(counts);
    const emitted = await run(store, counts, [
      ['k', 'a', 5],
      ['k', 'b', 15],
      ['k', 'c', 25],
      ['k', 'd', 45],
    ]);
    assert.equal(rows(emitted), [['k', 0, 20, 2], ['k', 10, 30, 2], ['k', 20, 40, 1]]);
  });

  scenario('min, max, mean and reduce aggregate as their names say', async ({ register, open }) => {
    const window = tumblingWindow({ durationMs: 10 });
    const processors = [window.min(), window.max(), window.mean(), window.reduce((text, value) => `${text},${value}`, (value) => `${value}`)];
    const results = [];
    for (const processor of processors) {
      register(processor);
      const store = await open(processor);
      results.push(rows(await run(store, processor, [['k', 4, 1], ['k', 2, 2], ['k', 9, 3], ['k', 0, 10]]))[0][3]);
    }
    assert.equal(results, [2, 9, 5, '4,2,9']);
  });

  scenario('collect keeps each value and emits a window\'s values in time order when it closes', async ({ register, open }) => {
    const collected = hoppingWindow({ durationMs: 20, stepMs: 10 }).collect((event) => event.id);
    register(collected);
    const store = await open(collected);
    const emitted = await run(store, collected, [
      ['k', { id: 'b' }, 7],
      ['k', { id: 'a' }, 3],
      ['k', { id: 'c' }, 12],
      ['k', { id: 'd' }, 31],
      ['k', { id: 'late' }, 2],
      ['k', { id: 'e' }, 55],
    ]);
    assert.equal(rows(emitted), [['k', 0, 20, ['a', 'b', 'c']], ['k', 10, 30, ['c']], ['k', 20, 40, ['d']], ['k', 30, 50, ['d']]]);
    const tx = store.startPartitionTransaction(0);
    assert.equal(await tx.getFromCollection(0, 1000, K), ['d', 'e'], 'values of closed windows are deleted, except those an open window may need');
  });

  scenario('process refuses a transaction of a plain store and an invalid timestamp', async ({ manager, register, open }) => {
    const sums = tumblingWindow({ durationMs: 10 }).sum();
    register(sums);
    const windowedStore = await open(sums);
    const plain = manager.registerStore('events', 'plain');
    await plain.assignPartition(0);
    const error = await rejectionOf(() => sums.process(plain.startPartitionTransaction(0), K, 1, 1));
    assert.is(error.code, 'STATE_INVALID_ARGUMENT');
    assert.match(error.message, /registerWindowedStore\(streamId, "tumbling_window_10_sum"\)/);
    const tx = windowedStore.startPartitionTransaction(0);
    assert.is((await rejectionOf(() => sums.process(tx, K, 1, -1))).code, 'STATE_INVALID_ARGUMENT');
    assert.is((await rejectionOf(() => sums.process(tx, K, 1, 1.5))).code, 'STATE_INVALID_ARGUMENT');
  });

  scenario('a generated stream over many keys and commits matches a direct model of the windows', async ({ register, open }) => {
    const definition = { durationMs: 1000, stepMs: 250, graceMs: 300 };
    const processors = [tumblingWindow({ durationMs: 1000, graceMs: 300 }).sum(), hoppingWindow(definition).count()];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const messages = [];
    let clock = 0;
    for (let i = 0; i < 600; i++) {
      clock += Math.floor(random() * 40);
      const jitter = Math.floor(random() * 600);
      messages.push([`key-${Math.floor(random() * 5)}`, 1 + Math.floor(random() * 9), Math.max(0, clock - jitter)]);
    }
    for (const [processor, step] of [[processors[0], 1000], [processors[1], 250]]) {
      register(processor);
      const store = await open(processor);
      const emitted = [];
      for (let i = 0; i < messages.length; i += 50) emitted.push(...(await run(store, processor, messages.slice(i, i + 50))));
      const model = modelWindows(messages, 1000, step, 300, processor.storeName.endsWith('sum') ? (a, v) => a + v : (a) => a + 1, processor.storeName.endsWith('sum') ? (v) => v : () => 1);
      assert.ok(emitted.length > 20, `enough windows closed (${emitted.length})`);
      assert.equal(rows(emitted), model, processor.storeName);
    }
  });
}

/** The final windows of a stream computed directly: per key, a window closes when the key's latest timestamp passes its end + grace. */
function modelWindows(messages, duration, step, grace, add, first) {
  const latest = new Map();
  const open = new Map();
  const closed = [];
  for (const [key, value, timestamp] of messages) {
    const keyLatest = Math.max(latest.get(key) ?? 0, timestamp);
    latest.set(key, keyLatest);
    const windows = open.get(key) ?? new Map();
    open.set(key, windows);
    for (let start = timestamp - (timestamp % step); start > timestamp - duration && start >= 0; start -= step) {
      if (start + duration <= keyLatest - grace) continue;
      windows.set(start, windows.has(start) ? add(windows.get(start), value) : first(value));
    }
    for (const start of [...windows.keys()].sort((a, b) => a - b)) {
      if (start + duration <= keyLatest - grace) {
        closed.push([key, start, start + duration, windows.get(start)]);
        windows.delete(start);
      }
    }
  }
  return closed;
}

for (const [name, makeEnv] of stateBackends('windows')) {
  const onBackend = suite(`windows: ${name}`);
  windowsSuite(onBackend, makeEnv);
  onBackend.run();
}
