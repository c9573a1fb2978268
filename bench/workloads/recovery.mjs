// Recovery, the two ways a partition's state comes back on another machine:
// (e) replaying N changelog messages into an empty partition with recoverFromChangelogMessages, in
//     batches as a consumer poll delivers them (what RocksDB and memory must do after losing the
//     machine or disk), the way RecoveryManager replays: each batch written with { durable: false },
//     then one partition.sync() at the end, inside the timing;
// (f) closing that partition and opening it again from its storage, then reading every key
//     (what SlateDB offers instead: the state is in object storage; timed from the open, so it
//     includes the WAL replay and manifest reads). For RocksDB and memory, (f) is the same reopen
//     on the same machine only: a new machine would have no files and would do (e).
import { StateStoreManager } from 'streamstate';
import { generateChangelog } from './changelog.mjs';
import { timed } from '../lib/common.mjs';

export const recovery = {
  id: 'recovery',
  rows: ['e. changelog replay (msgs/s)', 'f. reopen + read all (keys/s)'],
  async run(env, { recoveryMessages: count, recoveryBatch: batch }) {
    const keys = Math.max(1, Math.floor(count / 2));
    const changelog = generateChangelog(count, keys);
    let manager = new StateStoreManager(env.managerOptions());
    manager.registerStore('events', 'totals');
    let { totals: partition } = await manager.onPartitionAssign('events', 0);
    const replay = await timed(async () => {
      for (let i = 0; i < count; i += batch) {
        await partition.recoverFromChangelogMessages(changelog.messages.slice(i, i + batch), changelog.committedOffsets, { durable: false });
      }
      await partition.sync();
    });
    const offset = await partition.getChangelogOffset();
    await manager.close();
    if (offset !== count - 1) throw new Error(`recovery: stored offset ${offset}, expected ${count - 1}`);

    manager = new StateStoreManager(env.managerOptions());
    manager.registerStore('events', 'totals');
    let read = 0;
    let openMs = 0;
    const reopen = await timed(async () => {
      const opened = await timed(() => manager.onPartitionAssign('events', 0));
      openMs = opened.ms;
      partition = opened.result.totals;
      for await (const _ of partition.iterItems(undefined, undefined)) read++;
    });
    const reopenedOffset = await partition.getChangelogOffset();
    await manager.close();
    if (read !== keys || reopenedOffset !== count - 1) throw new Error(`reopen: read ${read} of ${keys} keys, offset ${reopenedOffset}`);
    return [
      { ops: count, ms: replay.ms, detail: `${count} msgs over ${keys} keys, batches of ${batch}, one durable point at the end` },
      { ops: keys, ms: reopen.ms, detail: `open ${openMs.toFixed(0)} ms + scan of ${keys} keys`, openMs },
    ];
  },
};
