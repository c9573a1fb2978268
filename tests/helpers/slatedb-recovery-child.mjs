// Child process for the recovery crash test. Arguments: stateDir, number of changelog messages,
// messages per read (one recovery batch each), SlateDB flushInterval (ms), and optionally
// RecoveryManager's durableEveryMs.
// Records a changelog of N messages in an InMemoryKafka topic (message o puts key "k-<o % KEYS>" =
// "v-<o>-..." or, every 13th, deletes it: see changelogMessage), opens partition 0 of store
// "default" on stream "topic" (group "group") on SlateDB in the state dir (local files, 1 s lease),
// and recovers it with RecoveryManager from its stored offset to the end, printing "start <stored
// offset or -1>", then "read <last offset>" as each read returns (before its batch is written).
// Once recover() has returned it prints "recovered <stored offset>" and kills itself with SIGKILL:
// nothing is closed or flushed on the way out. The test may SIGKILL it earlier, part-way.
// Exports changelogMessage and expectedState for the test; does nothing else when imported.
import { fileURLToPath } from 'node:url';
import { InMemoryKafka, RecoveryManager, StateStoreManager, silentLogger } from 'streamstate';

/** Distinct keys the changelog cycles through (more than a batch, so each batch changes many keys). */
export const KEYS = 701;
/** The changelog topic. */
export const CHANGELOG = 'changelog__group--topic--default';

const bytes = (text) => new TextEncoder().encode(text);

/**
 * The changelog message at offset `o`: a put of "v-<o>-" padded to 80 bytes, or a delete when
 * o % 13 == 12, on key "k-<o % KEYS>" (four digits).
 * @returns `{ key, value }` as strings (`value` null for a delete)
 */
export function changelogMessage(o) {
  const key = `k-${String(o % KEYS).padStart(4, '0')}`;
  return { key, value: o % 13 === 12 ? null : `v-${o}-`.padEnd(80, '.') };
}

/**
 * The state after applying messages 0..last (none when `last` is -1).
 * @returns Map key -> value (strings)
 */
export function expectedState(last) {
  const state = new Map();
  for (let o = 0; o <= last; o++) {
    const { key, value } = changelogMessage(o);
    if (value === null) state.delete(key);
    else state.set(key, value);
  }
  return state;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [stateDir, count, perRead, flushInterval, durableEveryMs] = process.argv.slice(2);
  await recoverThenDie(stateDir, Number(count), Number(perRead), Number(flushInterval), durableEveryMs === undefined ? undefined : Number(durableEveryMs));
}

async function recoverThenDie(stateDir, count, perRead, flushInterval, durableEveryMs) {
  const kafka = new InMemoryKafka();
  kafka.createTopic(CHANGELOG, 1);
  const producer = kafka.producer();
  const headers = [['__column_family__', bytes('default')]];
  for (let start = 0; start < count; start += 1000) {
    const records = [];
    for (let o = start; o < Math.min(count, start + 1000); o++) {
      const { key, value } = changelogMessage(o);
      records.push({ topic: CHANGELOG, partition: 0, key: bytes(key), value: value === null ? null : bytes(value), headers });
    }
    await producer.send(records);
  }
  const manager = new StateStoreManager({
    stateDir,
    groupId: 'group',
    backend: 'slatedb',
    slatedbOptions: { lockTtlMs: 1000, openMaxRetries: 40, openRetryBackoffMs: 100, settings: { flushInterval } },
    logger: silentLogger,
  });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  const inner = kafka.partitionReader();
  const reader = {
    async read(topic, partitionNumber, offset, options) {
      const result = await inner.read(topic, partitionNumber, offset, options);
      const last = result.records.at(-1)?.offset;
      if (last !== undefined) process.stdout.write(`read ${last}\n`);
      return result;
    },
    close: () => inner.close(),
  };
  // InMemoryKafka's reader answers maxBytes / 128 records per read.
  const recovery = new RecoveryManager({
    reader,
    admin: kafka.admin(),
    logger: silentLogger,
    readBytes: perRead * 128,
    ...(durableEveryMs === undefined ? {} : { durableEveryMs }),
  });
  process.stdout.write(`start ${(await partition.getChangelogOffset()) ?? -1}\n`);
  await recovery.assign(0, [{ storePartition: partition, changelog: CHANGELOG }], {});
  if (!(await recovery.recover())) throw new Error('recover() returned early');
  process.stdout.write(`recovered ${await partition.getChangelogOffset()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
