// streamstate's first example: a stateful word count over a generated stream of messages.
//
// Messages arrive on 3 partitions of a topic "sentences", keyed by user. For each message we count
// words per user in a store, one transaction per partition per checkpoint, flushed atomically
// together with the offset of the last message it processed. Halfway through, the partitions are
// revoked (closing their databases) and assigned again, as a rebalance would: the counts carry on
// from disk. Run: npm run example [-- --backend slatedb|rocksdb|memory] [--state-dir DIR]
import { parseArgs } from 'node:util';
import { rm } from 'node:fs/promises';
import { StateStoreManager, rocksDbAvailable } from 'streamstate';

const { values: args } = parseArgs({
  options: { backend: { type: 'string' }, 'state-dir': { type: 'string', default: '.example-state' } },
});
// The embedded default: RocksDB where its native addon loads, else SlateDB (wasm) on local files.
const backend = args.backend ?? ((await rocksDbAvailable()) ? 'rocksdb' : 'slatedb');
const stateDir = args['state-dir'];
await rm(stateDir, { recursive: true, force: true });

const TOPIC = 'sentences';
const PARTITIONS = [0, 1, 2];
const WORDS = ['state', 'stream', 'wasm', 'slate', 'rocks', 'kafka', 'window', 'offset'];
const USERS = ['ada', 'grace', 'linus', 'ken', 'barbara', 'edsger'];

// A deterministic stream, partitioned by key as Kafka's producer would: a user's messages all go
// to one partition, so that partition's store holds the user's state.
function* messages(count) {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const offsets = PARTITIONS.map(() => 0);
  for (let i = 0; i < count; i++) {
    const user = USERS[Math.floor(next() * USERS.length)];
    const partition = USERS.indexOf(user) % PARTITIONS.length;
    const text = Array.from({ length: 3 + Math.floor(next() * 5) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
    yield { partition, offset: offsets[partition]++, key: user, text };
  }
}

const manager = new StateStoreManager({ stateDir, groupId: 'word-count', backend });
manager.registerStore(TOPIC, 'word-counts');
const store = manager.getStore(TOPIC, 'word-counts');

async function processCheckpoint(batch) {
  const transactions = new Map();
  const lastOffset = new Map();
  for (const message of batch) {
    let tx = transactions.get(message.partition);
    if (!tx) transactions.set(message.partition, (tx = store.startPartitionTransaction(message.partition)));
    const state = tx.asState(message.key);
    for (const word of message.text.split(' ')) {
      state.set(word, ((await state.get(word)) ?? 0) + 1);
    }
    state.set('__messages', ((await state.get('__messages')) ?? 0) + 1);
    lastOffset.set(message.partition, message.offset);
  }
  for (const [partition, tx] of transactions) {
    await tx.prepare({ [TOPIC]: lastOffset.get(partition) });
    await tx.flush();
  }
}

const all = [...messages(3000)];
const started = performance.now();
for (const p of PARTITIONS) await manager.onPartitionAssign(TOPIC, p);
for (let i = 0; i < all.length; i += 250) {
  if (i === 1500) {
    // A rebalance: close every partition, then open them again from what was flushed.
    for (const p of PARTITIONS) await manager.onPartitionRevoke(TOPIC, p);
    for (const p of PARTITIONS) await manager.onPartitionAssign(TOPIC, p);
  }
  await processCheckpoint(all.slice(i, i + 250));
}
const elapsed = performance.now() - started;

// Read the results back through fresh transactions and print the top words per user.
console.log(`word counts on the ${backend} backend, state in ${stateDir}/word-count/`);
let total = 0;
for (const user of USERS) {
  const partition = all.find((m) => m.key === user)?.partition;
  if (partition === undefined) continue;
  const state = store.startPartitionTransaction(partition).asState(user);
  const counts = [];
  for (const word of WORDS) counts.push([word, (await state.get(word)) ?? 0]);
  counts.sort((a, b) => b[1] - a[1]);
  const messagesSeen = await state.get('__messages');
  total += messagesSeen;
  console.log(`  ${user.padEnd(8)} ${String(messagesSeen).padStart(4)} messages  top: ${counts.slice(0, 3).map(([w, n]) => `${w}=${n}`).join(' ')}`);
}
await manager.close();
console.log(`${total} messages counted in ${elapsed.toFixed(0)} ms across ${PARTITIONS.length} partitions (one rebalance)`);
if (total !== all.length) {
  console.error(`expected ${all.length} messages, counted ${total}`);
  process.exit(1);
}
