// (b) Windowed aggregation with expiry: a tumbling 10 s sum per key (grace 1 s) over generated
// events, through the window operator (ts/windows). Each event updates its window (a read and a
// write) and closes the key's expired windows (a range read when one is due, then deletes). One
// transaction per checkpoint of `checkpoint` events, prepared and flushed.
import { StateStoreManager, tumblingWindow } from 'streamstate';
import { countingChangelog } from './changelog.mjs';
import { random, timed } from '../lib/common.mjs';

export const windowedAggregation = {
  id: 'windowed',
  rows: ['b. tumbling 10 s sum + expiry (events/s)'],
  async run(env, { windowEvents: events, windowKeys: keys, windowCheckpoint: checkpoint }) {
    const sum = tumblingWindow({ durationMs: 10_000, graceMs: 1_000 }).sum((event) => event.value);
    const changelog = countingChangelog();
    const manager = new StateStoreManager({ ...env.managerOptions(), changelogProducerFactory: changelog.factory });
    manager.registerWindowedStore('sensors', sum.storeName);
    await manager.onPartitionAssign('sensors', 0);
    const store = manager.getStore('sensors', sum.storeName);
    // 20 ms of event time per event, up to 500 ms out of order.
    const next = random(2);
    const stream = Array.from({ length: events }, (_, i) => ({
      key: `sensor-${Math.floor(next() * keys)}`,
      value: Math.floor(next() * 100),
      timestampMs: Math.max(0, i * 20 - Math.floor(next() * 500)),
    }));
    let closed = 0;
    const { ms } = await timed(async () => {
      for (let offset = 0; offset < events; offset += checkpoint) {
        const tx = store.startPartitionTransaction(0);
        const end = Math.min(offset + checkpoint, events);
        for (let i = offset; i < end; i++) {
          const event = stream[i];
          closed += (await sum.process(tx, event.key, event, event.timestampMs)).length;
        }
        await tx.prepare({ sensors: end - 1 });
        await tx.flush(changelog.lastOffset(0));
      }
    });
    await manager.close();
    if (closed === 0) throw new Error('windowed aggregation: no window closed');
    return [{ ops: events, ms, detail: `${events} events, ${keys} keys, ${closed} windows closed, checkpoint ${checkpoint}` }];
  },
};
