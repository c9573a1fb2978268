// Child process for the SlateDB cross-process tests: opens partition 0 of store "default" on
// stream "topic" under the state directory argv[2] (group "group") through StateStoreManager on
// the SlateDB backend, with the lease time to live argv[3] (ms), writes one value, prints "open",
// and holds the partition until stdin closes (then closes it cleanly) or it is killed.
// Does nothing when imported (a test runner matching "slatedb" may load it).
import { fileURLToPath } from 'node:url';
import { StateStoreManager, withTransaction } from 'streamstate';

if (process.argv[1] === fileURLToPath(import.meta.url)) await holdPartition(process.argv[2], Number(process.argv[3]));

async function holdPartition(stateDir, lockTtlMs) {
  const manager = new StateStoreManager({
    stateDir,
    groupId: 'group',
    backend: 'slatedb',
    slatedbOptions: { lockTtlMs, settings: { flushInterval: 10 } },
  });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  await withTransaction(partition, (tx) => tx.asState().set('holder', 'child'));
  process.stdout.write('open\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await manager.close();
    process.exit(0);
  });
}
