// A user's program, type-checked by tests/types.test.mjs against the .d.ts of the packed package
// (imported by its name, as a user imports it) under strict settings, `lib: ["ES2022"]` with
// @types/node (a Node user's setup), no DOM and no `skipLibCheck`. The `expect*` helpers fail the compilation when a type is not exactly the
// one documented, so a type that widens (say, to `T | undefined`) is an error here.
import {
  StateStoreManager,
  SlateDb,
  MemoryObjectStore,
  WriteBatch,
  StreamstateError,
  hoppingWindow,
  tumblingWindow,
  type State,
  type WindowResult,
  type WindowedPartitionTransaction,
  type TimestampedPartitionTransaction,
} from 'streamstate';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(value: T): T {
  return value;
}
function assertEqual<A, B>(_proof: Equal<A, B>): void {}

interface Order {
  customer: string;
  amount: number;
  timestampMs: number;
}

export async function plainState(): Promise<number> {
  const manager = new StateStoreManager({ stateDir: 'state', groupId: 'my-app', backend: 'memory' });
  manager.registerStore('orders', 'totals');
  await manager.onPartitionAssign('orders', 0);
  const tx = manager.getStore('orders', 'totals').startPartitionTransaction(0);
  const state: State = tx.asState('customer-42');

  // With a default, get() returns T, not T | undefined.
  const total = await state.get('total', 0);
  assertEqual<typeof total, number>(true);
  state.set('total', total + 99);
  // Without one, the value may be missing.
  const maybe = await state.get<number>('total');
  assertEqual<typeof maybe, number | undefined>(true);
  const many = await state.getMany(['a', 'b'], 0);
  assertEqual<typeof many, number[]>(true);
  const maybeMany = await state.getMany<string>(['a', 'b']);
  assertEqual<typeof maybeMany, (string | undefined)[]>(true);
  const bytes = await state.getBytes('raw', new Uint8Array(0));
  assertEqual<typeof bytes, Uint8Array>(true);
  // The transaction reads the same way.
  const direct = await tx.get('total', tx.asState('customer-42').prefix, 0);
  assertEqual<typeof direct, number>(true);

  await tx.prepare({ orders: 1234 });
  await tx.flush();
  await manager.close();
  return total;
}

export async function windows(orders: Order[]): Promise<WindowResult<number>[]> {
  // tumblingWindow<V>: V is the message value type the aggregation functions see.
  const revenue = tumblingWindow<Order>({ durationMs: 60_000, graceMs: 5_000 }).sum((order) => order.amount);
  const counts = hoppingWindow<Order>({ durationMs: 60_000, stepMs: 10_000 }).count().current();
  const biggest = tumblingWindow<Order>({ durationMs: 60_000 }).reduce(
    (best: Order, order) => (order.amount > best.amount ? order : best),
    (order) => order,
  );

  const manager = new StateStoreManager({ backend: 'memory' });
  manager.registerWindowedStore('orders', revenue.storeName);
  manager.registerWindowedStore('orders', counts.storeName);
  manager.registerWindowedStore('orders', biggest.storeName);
  await manager.onPartitionAssign('orders', 0);

  // The kind-typed getter: a windowed store's transactions are windowed.
  const tx = manager.getWindowedStore('orders', revenue.storeName).startPartitionTransaction(0);
  expectType<WindowedPartitionTransaction>(tx);
  const windowValue = await tx.asState('customer-1').getWindow(0, 60_000, 0);
  assertEqual<typeof windowValue, number>(true);

  const closed: WindowResult<number>[] = [];
  for (const order of orders) {
    closed.push(...(await revenue.process(tx, order.customer, order, order.timestampMs)));
  }
  const biggestTx = manager.getWindowedStore('orders', biggest.storeName).startPartitionTransaction(0);
  const largest = await biggest.process(biggestTx, 'customer-1', orders[0]!, orders[0]!.timestampMs);
  assertEqual<typeof largest, WindowResult<Order>[]>(true);
  await tx.prepare();
  await tx.flush();
  await manager.close();
  return closed;
}

export async function timestamped(): Promise<void> {
  const manager = new StateStoreManager({ backend: 'memory' });
  manager.registerTimestampedStore('clicks', 'join', { graceMs: 1_000, keepDuplicates: false });
  await manager.onPartitionAssign('clicks', 0);
  const tx = manager.getTimestampedStore('clicks', 'join').startPartitionTransaction(0);
  expectType<TimestampedPartitionTransaction>(tx);
  await manager.close();
}

export async function engine(): Promise<void> {
  const db = await SlateDb.open('orders/0', { objectStore: new MemoryObjectStore() });
  const key = new TextEncoder().encode('k');
  await db.write(new WriteBatch().put(key, new Uint8Array([1])).delete(new Uint8Array([2])));
  for await (const [k, v] of db.scan({ gte: key, reverse: true })) {
    expectType<Uint8Array>(k);
    expectType<Uint8Array>(v);
  }
  const manifest = db.manifest();
  expectType<number>(manifest.writerEpoch);
  await db.close();
}

export function errors(error: unknown): string | undefined {
  return error instanceof StreamstateError ? error.code : undefined;
}
