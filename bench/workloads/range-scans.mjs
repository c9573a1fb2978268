// (c) Range scans forward and reverse: windowed getWindows over a windowed store of
// `prefixes` x `windowsPerPrefix` windows (10k keys by default), written and flushed first (about
// 1000 per transaction; not timed). Each scan asks one random prefix for a random run of
// `scanWindows` consecutive windows, in a fresh transaction (so it reads the backend, not a
// cache), ascending or descending; then ascending again after the partition is closed and
// reopened (reads of what the backend persisted, not of its write buffer).
import { StateStoreManager } from 'streamstate';
import { random, timed } from '../lib/common.mjs';

const STEP = 10_000;

export const rangeScans = {
  id: 'scans',
  rows: ['c. range scan forward (scans/s)', 'c. range scan reverse (scans/s)', 'c. range scan after reopen (scans/s)'],
  async run(env, { scanPrefixes: prefixes, scanWindowsPerPrefix: perPrefix, scanCount: count, scanWindows: width }) {
    let manager = new StateStoreManager(env.managerOptions());
    manager.registerWindowedStore('metrics', 'tumbling_window_10000_sum');
    await manager.onPartitionAssign('metrics', 0);
    let store = manager.getStore('metrics', 'tumbling_window_10000_sum');
    const total = prefixes * perPrefix;
    const perTransaction = Math.max(1, Math.floor(1000 / perPrefix));
    for (let p = 0; p < prefixes; p += perTransaction) {
      const tx = store.startPartitionTransaction(0);
      for (let q = p; q < Math.min(p + perTransaction, prefixes); q++) {
        const state = tx.asState(`metric-${q}`);
        for (let w = 0; w < perPrefix; w++) await state.updateWindow(w * STEP, (w + 1) * STEP, w, w * STEP);
      }
      await tx.flush();
    }
    const scan = async (backwards, seed) => {
      const next = random(seed);
      const picks = Array.from({ length: count }, () => [Math.floor(next() * prefixes), Math.floor(next() * (perPrefix - width + 1))]);
      let read = 0;
      const { ms } = await timed(async () => {
        for (const [p, w] of picks) {
          const tx = store.startPartitionTransaction(0);
          // windows with from < start <= to: starts w .. w + width - 1
          const windows = await tx.asState(`metric-${p}`).getWindows(w * STEP - 1, (w + width - 1) * STEP, { backwards });
          read += windows.length;
        }
      });
      if (read !== count * width) throw new Error(`range scans: read ${read} windows, expected ${count * width}`);
      return { ops: count, ms, detail: `${count} scans of ${width} windows over ${total} windows (${prefixes} keys)` };
    };
    const rows = [await scan(false, 3), await scan(true, 4)];
    // Again after a reopen: the windows now come from what the backend persisted (SlateDB: SSTs
    // in the object store, read through its block cache), not from its write buffer.
    await manager.close();
    manager = new StateStoreManager(env.managerOptions());
    manager.registerWindowedStore('metrics', 'tumbling_window_10000_sum');
    await manager.onPartitionAssign('metrics', 0);
    store = manager.getStore('metrics', 'tumbling_window_10000_sum');
    const reopened = await scan(false, 5);
    rows.push({ ...reopened, detail: `${reopened.detail}, after close and reopen` });
    await manager.close();
    return rows;
  },
};
