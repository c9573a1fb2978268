// Child process for the state layer's cross-process lock test: opens partition 0 of store
// "default" on stream "topic" under the state directory argv[2] through StateStoreManager
// (RocksDB), writes one value, prints "open", and holds the partition until stdin closes.
// Does nothing when imported (a test runner matching "state" may load it).
import { fileURLToPath } from 'node:url';
import { StateStoreManager, withTransaction } from 'streamstate';

if (process.argv[1] === fileURLToPath(import.meta.url)) await holdPartition(process.argv[2]);

async function holdPartition(stateDir) {
  const manager = new StateStoreManager({ stateDir, groupId: 'group', backend: 'rocksdb' });
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
