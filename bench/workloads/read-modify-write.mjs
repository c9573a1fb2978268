// (a) Per-key read-modify-write with periodic flush: the shape of a stateful count or sum. Messages
// pick one of `keys` message keys at random; each reads the key's counter through the transaction
// (a miss in the transaction cache goes to the backend), adds one and writes it back. Every
// `flushEvery` messages the transaction is prepared (its changes produced to a changelog that only
// counts them) and flushed: one atomic backend write with the changelog offset.
import { StateStoreManager } from 'streamstate';
import { countingChangelog } from './changelog.mjs';
import { random, timed } from '../lib/common.mjs';

export const readModifyWrite = {
  id: 'rmw',
  rows: ['a. read-modify-write (msgs/s)'],
  async run(env, { rmwMessages: messages, rmwKeys: keys, rmwFlushEvery: flushEvery }) {
    const changelog = countingChangelog();
    const manager = new StateStoreManager({ ...env.managerOptions(), changelogProducerFactory: changelog.factory });
    manager.registerStore('events', 'counts');
    await manager.onPartitionAssign('events', 0);
    const store = manager.getStore('events', 'counts');
    const next = random(1);
    const picks = Array.from({ length: messages }, () => `user-${Math.floor(next() * keys)}`);
    const { ms } = await timed(async () => {
      for (let offset = 0; offset < messages; offset += flushEvery) {
        const tx = store.startPartitionTransaction(0);
        const end = Math.min(offset + flushEvery, messages);
        for (let i = offset; i < end; i++) {
          const state = tx.asState(picks[i]);
          state.set('count', ((await state.get('count')) ?? 0) + 1);
        }
        await tx.prepare({ events: end - 1 });
        await tx.flush(changelog.lastOffset(0));
      }
    });
    // A check that the work was done (not a timing assertion): the counts add up.
    const tx = store.startPartitionTransaction(0);
    let total = 0;
    for (let k = 0; k < keys; k++) total += (await tx.asState(`user-${k}`).get('count')) ?? 0;
    await manager.close();
    if (total !== messages) throw new Error(`read-modify-write: counted ${total} of ${messages} messages`);
    return [{ ops: messages, ms, detail: `${messages} msgs, ${keys} keys, flush every ${flushEvery}; ${changelog.produced()} changelog msgs` }];
  },
};
