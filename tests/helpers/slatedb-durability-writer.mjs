// Child process for the SlateDB durability tests. Arguments: stateDir, changelog file, awaitDurable
// ("on" | "off"), SlateDB flushInterval (ms), number of transactions, pause between them (ms).
// Opens (with a 1 s lease, so the test can reopen soon after the kill) partition 0 of store "default" on stream "topic" (group "group") with a changelog kept in
// the file (one JSON line per message, appended synchronously before the transaction is flushed,
// as a Kafka producer would have delivered it), then commits transactions 1..n, each setting
// "key-<i>" = i and "last" = i with the changelog offset of its last message, printing
// "flushed <i> <offset> <epoch ms>" as soon as flush() resolves. After the last one it prints
// "kill <epoch ms>" and kills itself with SIGKILL: nothing is closed or flushed on the way out.
// Does nothing when imported (a test runner matching "slatedb" may load it).
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateStoreManager } from 'streamstate';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [stateDir, changelogFile, awaitDurable, flushInterval, count, pauseMs] = process.argv.slice(2);
  await writeThenDie(stateDir, changelogFile, awaitDurable === 'on', Number(flushInterval), Number(count), Number(pauseMs));
}

/** A changelog producer factory provider that appends every message to `file`. */
function fileChangelog(file) {
  let offset = -1;
  const base64 = (bytes) => Buffer.from(bytes).toString('base64');
  return {
    lastOffset: () => offset,
    factory: (topic) => ({
      changelogName: topic.name,
      getPartitionProducer: (partition) => ({
        changelogName: topic.name,
        partition,
        produce: (key, value, headers) => {
          offset += 1;
          const encodedHeaders = Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, base64(header)]));
          appendFileSync(file, JSON.stringify({ key: base64(key), value: value === null ? null : base64(value), headers: encodedHeaders, offset }) + '\n');
        },
      }),
    }),
  };
}

async function writeThenDie(stateDir, changelogFile, awaitDurable, flushInterval, count, pauseMs) {
  const changelog = fileChangelog(changelogFile);
  const manager = new StateStoreManager({
    stateDir,
    groupId: 'group',
    backend: 'slatedb',
    slatedbOptions: { awaitDurable, lockTtlMs: 1000, settings: { flushInterval } },
    changelogProducerFactory: changelog.factory,
  });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  for (let i = 1; i <= count; i++) {
    const tx = partition.begin();
    tx.asState().set(`key-${i}`, i);
    tx.asState().set('last', i);
    await tx.prepare();
    await tx.flush(changelog.lastOffset());
    process.stdout.write(`flushed ${i} ${changelog.lastOffset()} ${Date.now()}\n`);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  process.stdout.write(`kill ${Date.now()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
