// streamstate from TypeScript: typed state and a typed window over a generated stream of orders.
//
// Orders arrive on 2 partitions of a topic "orders", keyed by customer. Per customer we keep a
// running total and an order count in a plain store ("totals"), and the revenue per one-minute
// tumbling window in a windowed store. Each checkpoint is one transaction per store and
// partition, flushed atomically with the offset of the last order it processed.
//
// Run (from the repository, after npm run build): npm run example:typescript
//   [-- --backend rocksdb|slatedb|memory] [--state-dir DIR]
import { parseArgs } from 'node:util';
import { rm } from 'node:fs/promises';
import {
  StateStoreManager,
  rocksDbAvailable,
  tumblingWindow,
  type BackendName,
  type PartitionTransaction,
  type WindowResult,
  type WindowedPartitionTransaction,
} from 'streamstate';

interface Order {
  customer: string;
  amount: number;
  timestampMs: number;
  partition: number;
  offset: number;
}

/** What the "totals" store keeps per customer, under the key "summary". */
interface Summary {
  orders: number;
  total: number;
}

const { values: args } = parseArgs({
  options: { backend: { type: 'string' }, 'state-dir': { type: 'string', default: '.example-state' } },
});
const backend = (args.backend ?? ((await rocksDbAvailable()) ? 'rocksdb' : 'slatedb')) as BackendName;
const stateDir = args['state-dir']!;
await rm(stateDir, { recursive: true, force: true });

const TOPIC = 'orders';
const PARTITIONS = [0, 1];
const CUSTOMERS = ['acme', 'globex', 'initech', 'umbrella'];

function* orders(count: number): Generator<Order> {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const offsets = PARTITIONS.map(() => 0);
  let clock = 0;
  for (let i = 0; i < count; i++) {
    clock += Math.floor(random() * 2_000);
    const customer = CUSTOMERS[Math.floor(random() * CUSTOMERS.length)]!;
    const partition = CUSTOMERS.indexOf(customer) % PARTITIONS.length;
    yield { customer, amount: 1 + Math.floor(random() * 100), timestampMs: clock, partition, offset: offsets[partition]!++ };
  }
}

// tumblingWindow<Order>: the aggregation sees typed orders; process() resolves to WindowResult<number>[].
const revenue = tumblingWindow<Order>({ durationMs: 60_000 }).sum((order) => order.amount);

const manager = new StateStoreManager({ stateDir, groupId: 'typescript-example', backend });
manager.registerStore(TOPIC, 'totals');
manager.registerWindowedStore(TOPIC, revenue.storeName);
for (const partition of PARTITIONS) await manager.onPartitionAssign(TOPIC, partition);

const closedWindows: WindowResult<number>[] = [];
const decoder = new TextDecoder();

async function processCheckpoint(batch: Order[]): Promise<void> {
  const totals = new Map<number, PartitionTransaction>();
  const windows = new Map<number, WindowedPartitionTransaction>();
  const lastOffset = new Map<number, number>();
  for (const order of batch) {
    let tx = totals.get(order.partition);
    if (tx === undefined) totals.set(order.partition, (tx = manager.getStore(TOPIC, 'totals').startPartitionTransaction(order.partition)));
    let windowTx = windows.get(order.partition);
    if (windowTx === undefined) {
      windows.set(order.partition, (windowTx = manager.getWindowedStore(TOPIC, revenue.storeName).startPartitionTransaction(order.partition)));
    }
    const state = tx.asState(order.customer);
    // With a default, get() is typed by it: a Summary, never undefined.
    const summary = await state.get<Summary>('summary', { orders: 0, total: 0 });
    state.set('summary', { orders: summary.orders + 1, total: summary.total + order.amount });
    closedWindows.push(...(await revenue.process(windowTx, order.customer, order, order.timestampMs)));
    lastOffset.set(order.partition, order.offset);
  }
  for (const transactions of [totals, windows]) {
    for (const [partition, tx] of transactions) {
      await tx.prepare({ [TOPIC]: lastOffset.get(partition)! });
      await tx.flush();
    }
  }
}

const all = [...orders(2_000)];
for (let i = 0; i < all.length; i += 200) await processCheckpoint(all.slice(i, i + 200));

console.log(`orders on the ${backend} backend, state in ${stateDir}/typescript-example/`);
let counted = 0;
let revenueTotal = 0;
for (const customer of CUSTOMERS) {
  const partition = CUSTOMERS.indexOf(customer) % PARTITIONS.length;
  const tx = manager.getStore(TOPIC, 'totals').startPartitionTransaction(partition);
  const summary = await tx.asState(customer).get<Summary>('summary');
  if (summary === undefined) throw new Error(`no summary for ${customer}`);
  counted += summary.orders;
  revenueTotal += summary.total;
  console.log(`  ${customer.padEnd(9)} ${String(summary.orders).padStart(4)} orders  total ${summary.total}`);
}
// A window result's key is the customer as its stored prefix bytes (JSON by default).
const biggest = closedWindows.reduce((best, window) => (window.value > best.value ? window : best));
console.log(`${closedWindows.length} one-minute windows closed; the biggest: ${JSON.parse(decoder.decode(biggest.key))} ` +
  `${biggest.start / 1000}s-${biggest.end / 1000}s revenue ${biggest.value}`);
await manager.close();

const expected = all.reduce((sum, order) => sum + order.amount, 0);
console.log(`${counted} orders, revenue ${revenueTotal} (expected ${all.length} orders, revenue ${expected})`);
if (counted !== all.length || revenueTotal !== expected) process.exit(1);
