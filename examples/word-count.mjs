// streamstate's first example: a stateful word count, run by an Application.
//
// Sentences arrive on a topic with 3 partitions, keyed by user. A stateful step counts words per
// user in the user's state (the topic's default store, scoped to the message key) and produces the
// running totals to a "word-counts" topic. State is backed by changelog topics.
//
// The run has two halves: the first application processes about half the stream and stops; then
// its state directory is deleted, as if its partitions moved to a machine with an empty disk; the
// second application rebuilds the state from the changelog topics (the log says how many messages
// it replayed) and carries on. The totals at the end count every sentence exactly once.
//
// With no broker the messages go through a built-in in-process source (InMemoryKafka); with
// `--broker host:port` the same program runs against Kafka (Node >= 22.22 for the Kafka client).
//
// Run: npm run example [-- --backend slatedb|rocksdb|memory] [--broker 127.0.0.1:9092] [--state-dir DIR]
import { parseArgs } from 'node:util';
import { rm } from 'node:fs/promises';
import { Application, InMemoryKafka, connectKafka, rocksDbAvailable, setLogger } from 'streamstate';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string' },
    broker: { type: 'string' },
    'state-dir': { type: 'string', default: '.example-state' },
    quiet: { type: 'boolean', default: false },
  },
});
// The embedded default: RocksDB where its native addon loads, else SlateDB (wasm) on local files.
const backend = args.backend ?? ((await rocksDbAvailable()) ? 'rocksdb' : 'slatedb');
const stateDir = args['state-dir'];
await rm(stateDir, { recursive: true, force: true });
if (!args.quiet) {
  setLogger({
    debug: () => {},
    info: (line) => /Recover|assigned|starting/.test(line) && console.log(`  log: ${line.replace(/ store=.*$/, '')}`),
    warn: (line) => console.warn(`  warn: ${line}`),
    error: (line) => console.error(`  error: ${line}`),
  });
}

const run = Date.now().toString(36);
const TOPIC = args.broker ? `sentences-${run}` : 'sentences';
const COUNTS = `${TOPIC}-word-counts`;
const GROUP = args.broker ? `word-count-${run}` : 'word-count';
const WORDS = ['state', 'stream', 'wasm', 'slate', 'rocks', 'kafka', 'window', 'offset'];
const USERS = ['ada', 'grace', 'linus', 'ken', 'barbara', 'edsger'];
const SENTENCES = 3000;

const kafka = args.broker ? await connectKafka({ brokers: args.broker }) : new InMemoryKafka();
const admin = kafka.admin();
await admin.createTopics([{ name: TOPIC, partitions: 3, replicationFactor: 1, config: {} }]);
await admin.close();

// A deterministic stream of sentences, partitioned by user.
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const encoder = new TextEncoder();
const sentences = Array.from({ length: SENTENCES }, () => {
  const user = USERS[Math.floor(random() * USERS.length)];
  const text = Array.from({ length: 3 + Math.floor(random() * 5) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  return { user, text };
});
const producer = kafka.producer();
await producer.send(
  sentences.map(({ user, text }) => ({
    topic: TOPIC,
    partition: USERS.indexOf(user) % 3,
    key: encoder.encode(user),
    value: encoder.encode(JSON.stringify({ text })),
  })),
);
await producer.close();

function wordCount() {
  const app = new Application({
    kafka,
    consumerGroup: GROUP,
    autoOffsetReset: 'earliest',
    stateDir,
    stateBackend: backend,
    commitEvery: 250,
    handleSignals: false,
  });
  app
    .dataframe(TOPIC)
    .apply(
      async ({ text }, ctx) => {
        const counts = await ctx.state.get('counts', {});
        for (const word of text.split(' ')) counts[word] = (counts[word] ?? 0) + 1;
        const sentencesSeen = (await ctx.state.get('sentences', 0)) + 1;
        ctx.state.set('counts', counts);
        ctx.state.set('sentences', sentencesSeen);
        return { user: ctx.key, sentences: sentencesSeen, counts };
      },
      { stateful: true },
    )
    .toTopic(COUNTS);
  return app;
}

console.log(`word count on the ${backend} backend, ${args.broker ? `Kafka at ${args.broker}` : 'the built-in in-memory source'}, state in ${stateDir}/${GROUP}/`);
const started = performance.now();
const first = await wordCount().run({ until: ({ processed }) => processed >= SENTENCES / 2 });
console.log(`first half: ${first.processed} sentences, ${first.checkpoints} checkpoints; deleting ${stateDir}/ (an empty disk)`);
await rm(stateDir, { recursive: true, force: true });
const second = await wordCount().run({ until: ({ processed, idleMs }) => first.processed + processed >= SENTENCES || idleMs > 5_000 });
const replayed = second.recoveries.reduce((sum, r) => sum + r.applied + r.skipped, 0);
console.log(`second half: ${second.processed} sentences, after replaying ${replayed} changelog messages to rebuild the state`);

// The latest running total of each user, read back from the output topic.
const reader = kafka.partitionReader();
const latest = new Map();
const outAdmin = kafka.admin();
const marks = await outAdmin.watermarks(COUNTS, [0]);
await outAdmin.close();
for (let offset = marks.get(0).low; offset < marks.get(0).high; ) {
  const page = await reader.read(COUNTS, 0, offset);
  for (const record of page.records) {
    const value = JSON.parse(new TextDecoder().decode(record.value));
    if ((latest.get(value.user)?.sentences ?? 0) < value.sentences) latest.set(value.user, value);
  }
  offset = page.nextOffset;
}
await reader.close();
let total = 0;
for (const user of USERS) {
  const value = latest.get(user);
  if (value === undefined) continue;
  total += value.sentences;
  const top = Object.entries(value.counts).sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`  ${user.padEnd(8)} ${String(value.sentences).padStart(4)} sentences  top: ${top.map(([w, n]) => `${w}=${n}`).join(' ')}`);
}
console.log(`${total} sentences counted in ${(performance.now() - started).toFixed(0)} ms across 3 partitions (${replayed > 0 ? `state rebuilt from ${replayed} changelog messages` : 'the memory backend kept the state in this process'})`);
if (total !== SENTENCES) {
  console.error(`expected ${SENTENCES} sentences, counted ${total}`);
  process.exit(1);
}
