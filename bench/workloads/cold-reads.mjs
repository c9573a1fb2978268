// (d) Cold reads after reopen: `keys` keys are written and flushed, the manager is closed (every
// partition closed), a new manager opens the partition again (timed separately), and one
// transaction reads every key once in random order: each read misses the transaction cache and
// goes to whatever the backend has after an open (RocksDB: its files and OS page cache; SlateDB:
// SSTs in the object store, through a block cache that starts empty).
import { StateStoreManager } from 'streamstate';
import { random, timed } from '../lib/common.mjs';

export const coldReads = {
  id: 'cold',
  rows: ['d. cold reads after reopen (gets/s)'],
  async run(env, { coldKeys: keys }) {
    const value = { name: 'x'.repeat(40), amount: 12345, tags: ['a', 'b', 'c'] };
    let manager = new StateStoreManager(env.managerOptions());
    manager.registerStore('orders', 'totals');
    await manager.onPartitionAssign('orders', 0);
    let store = manager.getStore('orders', 'totals');
    for (let offset = 0; offset < keys; offset += 1000) {
      const tx = store.startPartitionTransaction(0);
      for (let k = offset; k < Math.min(offset + 1000, keys); k++) tx.asState(`order-${k}`).set('total', { ...value, amount: k });
      await tx.flush();
    }
    const close = await timed(() => manager.close());
    manager = new StateStoreManager(env.managerOptions());
    manager.registerStore('orders', 'totals');
    const open = await timed(() => manager.onPartitionAssign('orders', 0));
    store = manager.getStore('orders', 'totals');
    const next = random(5);
    const order = Array.from({ length: keys }, (_, k) => k);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let found = 0;
    const { ms } = await timed(async () => {
      const tx = store.startPartitionTransaction(0);
      for (const k of order) if ((await tx.asState(`order-${k}`).get('total'))?.amount === k) found++;
    });
    await manager.close();
    if (found !== keys) throw new Error(`cold reads: found ${found} of ${keys} keys`);
    return [{ ops: keys, ms, detail: `${keys} keys; close ${close.ms.toFixed(0)} ms, reopen ${open.ms.toFixed(0)} ms`, openMs: open.ms }];
  },
};
