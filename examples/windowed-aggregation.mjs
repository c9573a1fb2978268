// Windows over a generated stream: a first look at windowed state.
//
// Three sensors report power readings (watts) about four times a second, a little out of order.
// Two windowed aggregations run over them, per sensor, on event time:
//   - 10-second tumbling windows summing the watts,
//   - 10-second hopping windows every 5 seconds counting the readings,
// both accepting readings up to 2 seconds late. A window is printed once, when it closes: when a
// reading of the same sensor arrives past the window's end plus the grace period.
//
// Each aggregation keeps its windows in its own windowed store (named after it, e.g.
// "tumbling_window_10000_sum"). Readings are processed in checkpoints of 100: one transaction per
// store, prepared and flushed together, as an application does at each commit.
//
// Run: npm run build && node examples/windowed-aggregation.mjs [--backend rocksdb|slatedb|memory] [--state-dir DIR]
import { parseArgs } from 'node:util';
import { rm } from 'node:fs/promises';
import { StateStoreManager, hoppingWindow, rocksDbAvailable, tumblingWindow } from 'streamstate';

const { values: args } = parseArgs({
  options: { backend: { type: 'string' }, 'state-dir': { type: 'string', default: '.example-state' } },
});
// RocksDB where its native addon loads, else memory.
const backend = args.backend ?? ((await rocksDbAvailable()) ? 'rocksdb' : 'memory');
const stateDir = args['state-dir'];
await rm(stateDir, { recursive: true, force: true });

const TOPIC = 'power';
const SENSORS = ['boiler', 'fridge', 'oven'];

// A deterministic stream: the clock advances ~250 ms per reading; most readings arrive up to 1.5 s
// late, one in twenty up to 8 s late (some of those miss their window's grace period).
function* readings(count) {
  let seed = 2024;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let clock = 0;
  for (let offset = 0; offset < count; offset++) {
    clock += Math.floor(random() * 500);
    const delay = Math.floor(random() * (random() < 1 / 20 ? 8000 : 1500));
    const sensor = SENSORS[Math.floor(random() * SENSORS.length)];
    yield { offset, sensor, watts: 50 + Math.floor(random() * 100), timestampMs: Math.max(0, clock - delay) };
  }
}

let late = 0;
const wattsPerWindow = tumblingWindow({ durationMs: 10_000, graceMs: 2_000, onLate: () => late++ }).sum((reading) => reading.watts);
const readingsPerWindow = hoppingWindow({ durationMs: 10_000, stepMs: 5_000, graceMs: 2_000 }).count();
const aggregations = [wattsPerWindow, readingsPerWindow];

const manager = new StateStoreManager({ stateDir, groupId: 'windows-example', backend });
for (const aggregation of aggregations) manager.registerWindowedStore(TOPIC, aggregation.storeName);
await manager.onPartitionAssign(TOPIC, 0);

// closed[storeName] = Map("start-end" -> { sensor: value })
const closed = Object.fromEntries(aggregations.map((aggregation) => [aggregation.storeName, new Map()]));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function processCheckpoint(batch) {
  const transactions = aggregations.map((aggregation) => manager.getWindowedStore(TOPIC, aggregation.storeName).startPartitionTransaction(0));
  for (const reading of batch) {
    for (const [index, aggregation] of aggregations.entries()) {
      const windows = await aggregation.process(transactions[index], encoder.encode(reading.sensor), reading, reading.timestampMs);
      for (const window of windows) {
        const row = `${window.start / 1000}s-${window.end / 1000}s`;
        const table = closed[aggregation.storeName];
        table.set(row, { ...table.get(row), [decoder.decode(window.key)]: window.value });
      }
    }
  }
  for (const transaction of transactions) {
    await transaction.prepare({ [TOPIC]: batch.at(-1).offset });
    await transaction.flush();
  }
}

const all = [...readings(400)];
const started = performance.now();
for (let i = 0; i < all.length; i += 100) await processCheckpoint(all.slice(i, i + 100));
const elapsed = performance.now() - started;

console.log(`${all.length} readings of ${SENSORS.length} sensors on the ${backend} backend, state in ${stateDir}/windows-example/`);
for (const aggregation of aggregations) {
  console.log(`\n${aggregation.storeName} (closed windows):`);
  console.log(['window'.padEnd(12), ...SENSORS.map((sensor) => sensor.padStart(8))].join(''));
  for (const [row, values] of closed[aggregation.storeName]) {
    console.log([row.padEnd(12), ...SENSORS.map((sensor) => String(values[sensor] ?? '-').padStart(8))].join(''));
  }
}
console.log(`\n${late} reading(s) came after their tumbling window had closed and were dropped.`);
console.log('The newest windows are still open: later readings would close them.');
console.log(`processed in ${elapsed.toFixed(0)} ms (${((all.length * aggregations.length) / (elapsed / 1000)).toFixed(0)} window updates/s)`);
await manager.close();
