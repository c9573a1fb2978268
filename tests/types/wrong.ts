// The negative control of tests/types.test.mjs: each marked line must be a type error, so the
// type test cannot pass by resolving 'streamstate' to `any` or by checking nothing.
import { StateStoreManager, tumblingWindow, type State } from 'streamstate';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertEqual<A, B>(_proof: Equal<A, B>): void {}

export async function wrong(state: State, manager: StateStoreManager): Promise<void> {
  // EXPECT-ERROR: without a default the value may be missing
  const total: number = await state.get<number>('total');
  // EXPECT-ERROR: the default's type is the value's type (a number here, not a string)
  const name: string = await state.get('total', 0);
  // EXPECT-ERROR: bytes without a default may be missing too
  const bytes: Uint8Array = await state.getBytes('raw');
  // EXPECT-ERROR: a plain store's transaction has no windows
  await manager.getStore('orders', 'totals').startPartitionTransaction(0).asState('k').getWindow(0, 1);
  // EXPECT-ERROR: the window's value type flows into the aggregation
  tumblingWindow<{ amount: number }>({ durationMs: 1000 }).sum((order) => order.price);
  void total;
  void name;
  void bytes;
  assertEqual<1, 1>(true);
}
