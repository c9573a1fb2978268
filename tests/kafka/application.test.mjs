// The Application end to end on a real broker (tests/kafka/ run on Node 24 against the broker
// tests/run.mjs starts), for RocksDB, SlateDB on local files and SlateDB on S3 (MinIO):
// - crash: a processor (tests/kafka/processor.mjs: a keyed counter, then a tumbling-window sum) is
//   SIGKILLed mid-stream, its state deleted, and restarted; the state it recovers and its outputs
//   equal what the input implies (nothing lost; duplicates in outputs only, never in state);
// - group: a member joins and another leaves mid-stream; partitions and their state move; nothing lost;
// - handoff: with SlateDB on S3, a partition moved to another member is opened from S3 and only the
//   changelog tail past the stored offset is replayed.
// Every wait has a deadline.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { StateStoreManager, connectKafka } from 'streamstate';
import { within } from '../helpers/deadline.mjs';
import { skipLoudly, startKafkaServer, uniqueName } from '../helpers/kafka-server.mjs';
import { startS3Server } from '../helpers/s3-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const processorPath = path.join(here, 'processor.mjs');
const PARTITIONS = 3;
const USERS = ['ada', 'grace', 'linus', 'ken', 'barbara', 'edsger', 'donald', 'alan'];
const WINDOW_MS = 1_000;
// Event times start now: the broker deletes messages older than its retention (7 days) at once.
const T0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS;
const encoder = new TextEncoder();
/** Every processor started; the tests' `finally` blocks stop the ones still running. */
const processors = new Set();
async function stopAll() {
  for (const processor of processors) {
    if (processor.running()) processor.child.kill('SIGKILL');
    await processor.exited;
  }
  processors.clear();
}
// Each processor's log is kept here after it exits, for looking into a failure.
const logDir = path.join(tmpdir(), 'streamstate-kafka-test-logs');
await mkdir(logDir, { recursive: true });
const removeDir = (dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
const decoder = new TextDecoder();

const server = await startKafkaServer();
if (server === undefined) skipLoudly(suite, 'Application on Kafka');
else {
  const s3 = startS3Server();
  if (s3 === undefined) throw new Error('scripts/s3-server.sh cannot install MinIO here; the S3 handoff tests need it');
  await run(server.bootstrap, s3.clientConfig);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The input: `count` messages, each user's on one partition, timestamps increasing per user. */
function inputMessages(count) {
  return Array.from({ length: count }, (_, seq) => {
    const user = USERS[seq % USERS.length];
    return { user, partition: USERS.indexOf(user) % PARTITIONS, seq, amount: (seq * 7) % 13, timestamp: T0 + seq * 37 };
  });
}

/** What the pipeline must end with: the count per user, and the closed windows' sums. */
function expected(messages) {
  const counts = new Map();
  const windows = new Map(); // user -> Map(start -> sum)
  const latest = new Map();
  for (const m of messages) {
    counts.set(m.user, (counts.get(m.user) ?? 0) + 1);
    const start = m.timestamp - (m.timestamp % WINDOW_MS);
    const byStart = windows.get(m.user) ?? new Map();
    windows.set(m.user, byStart);
    byStart.set(start, (byStart.get(start) ?? 0) + m.amount);
    latest.set(m.user, m.timestamp);
  }
  const closed = new Set();
  for (const [user, byStart] of windows) {
    for (const [start, sum] of byStart) if (start + WINDOW_MS <= latest.get(user)) closed.add(`${user}|${start}|${sum}`);
  }
  return { counts, closed };
}

/** Produces the messages in chunks, `pauseMs` apart, so the stream is still flowing mid-test. */
async function produce(kafka, topic, messages, { chunk = 200, pauseMs = 0 } = {}) {
  const producer = kafka.producer();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send(
        messages.slice(i, i + chunk).map((m) => ({
          topic,
          partition: m.partition,
          key: encoder.encode(m.user),
          value: encoder.encode(JSON.stringify({ seq: m.seq, amount: m.amount })),
          timestamp: m.timestamp,
        })),
      );
      if (pauseMs > 0) await sleep(pauseMs);
    }
  } finally {
    await producer.close();
  }
}

/** Every record of a topic, in partition order. */
async function readAll(kafka, topic) {
  const admin = kafka.admin();
  const reader = kafka.partitionReader();
  try {
    const described = (await admin.describeTopics([topic])).get(topic);
    if (described === undefined) return [];
    const marks = await admin.watermarks(topic, [...Array(described.partitions).keys()]);
    const records = [];
    for (const [partition, { low, high }] of marks) {
      let offset = low;
      while (offset < high) {
        const { records: page, nextOffset } = await reader.read(topic, partition, offset);
        records.push(...page);
        offset = nextOffset;
      }
    }
    return records.map((record) => ({ ...record, json: record.value === null ? null : JSON.parse(decoder.decode(record.value)) }));
  } finally {
    await reader.close();
    await admin.close();
  }
}

/**
 * Waits until the counts topic shows every user's final count (the pipeline has seen the whole
 * input), reading it incrementally; fails early when a watched processor exits.
 */
async function waitForFinalCounts(kafka, topic, want, ms, ...watched) {
  return waitForCounts(kafka, topic, (highest) => [...want.counts].every(([user, total]) => highest.get(user) === total), `every user's final count in ${topic}`, ms, ...watched);
}

/** Waits until `done(highest count per user so far)` holds for the counts topic. */
async function waitForCounts(kafka, topic, done, what, ms, ...watched) {
  const reader = kafka.partitionReader();
  const highest = new Map();
  let offset = 0;
  try {
    await waitFor(
      async () => {
        for (;;) {
          let page;
          try {
            page = await reader.read(topic, 0, offset);
          } catch (error) {
            if (/Unknown topic|has no leader/.test(error.message)) return false; // the processor has not created it yet
            throw error;
          }
          const { records, nextOffset, highWatermark } = page;
          for (const record of records) {
            const { user, count } = JSON.parse(decoder.decode(record.value));
            highest.set(user, Math.max(highest.get(user) ?? 0, count));
          }
          offset = nextOffset;
          if (records.length === 0 || offset >= highWatermark) break;
        }
        return done(highest);
      },
      ms,
      what,
      ...watched,
    );
  } catch (error) {
    throw new Error(`${error.message}; highest counts so far ${JSON.stringify(Object.fromEntries(highest))}`);
  } finally {
    await reader.close();
  }
}

/** Stops a processor gracefully (SIGTERM: a last checkpoint) and returns its summary. */
async function finish(processor) {
  processor.child.kill('SIGTERM');
  return within(60_000, processor.result, `processor ${processor.name} stopping`);
}

async function outputCount(kafka, topic) {
  const admin = kafka.admin();
  try {
    const described = (await admin.describeTopics([topic])).get(topic);
    if (described === undefined) return 0;
    const marks = await admin.watermarks(topic, [...Array(described.partitions).keys()]);
    return [...marks.values()].reduce((sum, { high }) => sum + high, 0);
  } finally {
    await admin.close();
  }
}

/** Starts the processor as a child process; `result` resolves with its summary when it exits by itself. */
function startProcessor(config) {
  const child = spawn(process.execPath, [processorPath], {
    env: { ...process.env, PROCESSOR_CONFIG: JSON.stringify(config), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  exited.then(() => writeFile(path.join(logDir, `${config.group}-${config.name}.log`), stderr).catch(() => {}));
  const result = exited.then(({ code, signal }) => {
    const line = stdout.split('\n').find((l) => l.startsWith('PROCESSOR-RESULT '));
    if (code !== 0 || line === undefined) throw new Error(`processor ${config.name} exited with ${signal ?? code}\n${stderr.slice(-6000)}`);
    return { ...JSON.parse(line.slice('PROCESSOR-RESULT '.length)), log: stderr };
  });
  result.catch(() => {}); // a killed processor's result is never awaited
  let running = true;
  exited.then(() => (running = false));
  const processor = { child, exited, result, log: () => stderr, running: () => running, name: config.name };
  processors.add(processor);
  return processor;
}

async function waitFor(condition, ms, what, ...watched) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    const gone = watched.find((processor) => !processor.running());
    if (gone) throw new Error(`processor ${gone.name} exited while waiting for ${what}:\n${gone.log().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** The counts each user ended with, read from a state directory or object store after the processors stopped. */
async function storedCounts(group, backend, stateDir, slatedbOptions, topic) {
  const manager = new StateStoreManager({ stateDir, groupId: group, backend, ...(slatedbOptions ? { slatedbOptions } : {}) });
  manager.registerStore(topic, 'default');
  const counts = new Map();
  try {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      await manager.onPartitionAssign(topic, partition);
      const tx = manager.getStore(topic, 'default').startPartitionTransaction(partition);
      for (const user of USERS.filter((u) => USERS.indexOf(u) % PARTITIONS === partition)) {
        const count = await tx.asState(encoder.encode(user)).get('count');
        if (count !== undefined) counts.set(user, count);
      }
      await manager.onPartitionRevoke(topic, partition);
    }
  } finally {
    await manager.close();
  }
  return counts;
}

/** Asserts the outputs: every count 1..N of every user was produced (nothing lost), and the closed windows. */
function assertOutputs(counts, windows, want, label) {
  for (const [user, total] of want.counts) {
    const seen = new Set(counts.filter((r) => r.json.user === user).map((r) => r.json.count));
    const missing = [];
    for (let n = 1; n <= total; n++) if (!seen.has(n)) missing.push(n);
    assert.equal(missing.slice(0, 10), [], `${label}: counts of ${user} missing from the output`);
    assert.ok(Math.max(...seen) === total, `${label}: ${user} counted ${Math.max(...seen)} messages, ${total} were produced`);
  }
  const got = new Set(windows.map((r) => `${r.json.user}|${r.json.start}|${r.json.sum}`));
  const wrong = [...got].filter((w) => !want.closed.has(w));
  const lost = [...want.closed].filter((w) => !got.has(w));
  assert.equal(wrong.slice(0, 5), [], `${label}: windows with a wrong sum`);
  assert.equal(lost.slice(0, 5), [], `${label}: closed windows missing from the output`);
}

async function s3Store(clientConfig) {
  const bucket = uniqueName('state').toLowerCase();
  const client = new S3Client(clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const clear = async () => {
    for (;;) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      if (!listed.Contents?.length) return;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: listed.Contents.map(({ Key }) => ({ Key })) } }));
    }
  };
  return { slatedbOptions: { objectStore: `s3://${bucket}/state`, objectStoreOptions: { s3: { clientConfig } } }, clear, client };
}

/**
 * A topic and a consumer group of one test, and the processor configurations over them.
 * @returns {{ topic: string, group: string, config: (name: string, stateDir: string, extra?: object) => object }}
 */
async function scenario(kafka, bootstrap, prefix, defaults) {
  const topic = uniqueName(prefix);
  const group = uniqueName(prefix);
  const admin = kafka.admin();
  await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1, config: {} }]);
  await admin.close();
  const config = (name, stateDir, extra = {}) => ({
    name,
    brokers: bootstrap,
    group,
    input: topic,
    counts: `${topic}-counts`,
    windows: `${topic}-windows`,
    stateDir,
    commitEvery: 40,
    idleExitMs: 600_000,
    windowMs: WINDOW_MS,
    ...defaults,
    ...extra,
  });
  return { topic, group, config };
}

async function run(bootstrap, s3ClientConfig) {
  const kafka = await connectKafka({ brokers: bootstrap });
  const test = suite('Application on a real broker');
  const backends = [
    { name: 'rocksdb', backend: 'rocksdb' },
    { name: 'slatedb (local files)', backend: 'slatedb' },
    { name: 'slatedb (S3)', backend: 'slatedb', s3: true },
  ];

  for (const backend of backends) {
    test(`${backend.name}: SIGKILL mid-stream, state deleted, restart: the recovered state and the outputs are complete`, async () => {
      const { topic, group, config: base } = await scenario(kafka, bootstrap, 'crash', { backend: backend.backend });
      const config = (name, stateDir, slatedbOptions) => base(name, stateDir, slatedbOptions ? { slatedbOptions } : {});
      const messages = inputMessages(2_400);
      const want = expected(messages);
      const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-app-'));
      const store = backend.s3 ? await s3Store(s3ClientConfig) : undefined;
      try {
        const producing = produce(kafka, topic, messages, { chunk: 100, pauseMs: 30 });
        const first = startProcessor(config('first', stateDir, store?.slatedbOptions));
        await within(
          125_000,
          waitFor(async () => (await outputCount(kafka, `${topic}-counts`)) >= 800, 120_000, '800 outputs before the crash', first),
          'the first run',
        ).catch((error) => {
          throw new Error(`${error.message}\n${first.log().slice(-4000)}`);
        });
        first.child.kill('SIGKILL');
        await first.exited;
        await producing;
        await removeDir(stateDir);
        await store?.clear();

        const second = startProcessor(config('second', stateDir, store?.slatedbOptions));
        await waitForFinalCounts(kafka, `${topic}-counts`, want, 180_000, second);
        const summary = await finish(second);
        assert.ok(summary.recoveries.length > 0, 'the restarted processor recovered from the changelog');
        assert.ok(
          summary.recoveries.every((r) => r.fromOffset === -2),
          `with the state deleted, recovery starts at the changelog's beginning: ${JSON.stringify(summary.recoveries)}`,
        );

        const stored = await storedCounts(group, backend.backend, stateDir, store?.slatedbOptions, topic);
        assert.equal(Object.fromEntries(stored), Object.fromEntries(want.counts), 'the recovered and continued state counts every message exactly once');
        assertOutputs(await readAll(kafka, `${topic}-counts`), await readAll(kafka, `${topic}-windows`), want, backend.name);
      } finally {
        await stopAll();
        await removeDir(stateDir);
      }
    });
  }

  test('two members: one joins and one leaves mid-stream; partitions and their state move, nothing is lost (rocksdb)', async () => {
    const { topic, group, config } = await scenario(kafka, bootstrap, 'events', { backend: 'rocksdb' });
    const messages = inputMessages(3_000);
    let want = expected(messages);
    const dirs = [await mkdtemp(path.join(tmpdir(), 'streamstate-a-')), await mkdtemp(path.join(tmpdir(), 'streamstate-b-'))];
    try {
      const producing = produce(kafka, topic, messages, { chunk: 50, pauseMs: 60 });
      const a = startProcessor(config('A', dirs[0]));
      await within(125_000, waitFor(async () => (await outputCount(kafka, `${topic}-counts`)) >= 600, 120_000, 'A processing', a), 'A');
      const b = startProcessor(config('B', dirs[1]));
      await within(
        65_000,
        waitFor(async () => /Partitions assigned/.test(b.log()), 60_000, 'B to get partitions', a, b),
        'B joining',
      ).catch((error) => {
        throw new Error(`${error.message}\nA:\n${a.log().slice(-3000)}\nB:\n${b.log().slice(-3000)}`);
      });
      const before = await outputCount(kafka, `${topic}-counts`);
      await within(125_000, waitFor(async () => (await outputCount(kafka, `${topic}-counts`)) >= before + 400, 120_000, 'both processing', a, b), 'both');
      const aSummary = await finish(a); // A leaves gracefully: a last checkpoint, then it leaves the group
      await producing;
      // The stream goes on after A left: only B can count these, so B must own every partition.
      const tail = inputMessages(3_240).slice(3_000);
      await produce(kafka, topic, tail);
      const all = [...messages, ...tail];
      want = expected(all);
      await waitForFinalCounts(kafka, `${topic}-counts`, want, 180_000, b);
      const bSummary = await finish(b);
      assert.ok(aSummary.processed > 0 && bSummary.processed > 0, `both members processed messages (A ${aSummary.processed}, B ${bSummary.processed})`);
      assert.ok(bSummary.recoveries.length > 0, 'B recovered the partitions it took over from their changelogs');
      const stored = await storedCounts(group, 'rocksdb', dirs[1], undefined, topic);
      assert.equal(Object.fromEntries(stored), Object.fromEntries(want.counts), 'B ends with every partition, each message counted exactly once');
      assertOutputs(await readAll(kafka, `${topic}-counts`), await readAll(kafka, `${topic}-windows`), want, 'two members');
    } finally {
      await stopAll();
      for (const dir of dirs) await removeDir(dir);
    }
  });

  test('cold start: members with empty disks join one after another while the first recovers (timing permitting: the log shows); no stall, nothing lost (rocksdb)', async () => {
    const { topic, group, config } = await scenario(kafka, bootstrap, 'cold', { backend: 'rocksdb', commitEvery: 10 } /* many small checkpoints: a long changelog to replay */);
    const history = inputMessages(3_000);
    const dirs = await Promise.all(['h', 'a', 'b', 'c'].map((name) => mkdtemp(path.join(tmpdir(), `streamstate-${name}-`))));
    try {
      // A first run builds the changelog, then its machine is gone (its state directory unused again).
      await produce(kafka, topic, history);
      const h = startProcessor(config('H', dirs[0]));
      await waitForFinalCounts(kafka, `${topic}-counts`, expected(history), 180_000, h);
      await finish(h);
      // Three new members with empty disks, started one after another while recovery runs.
      const a = startProcessor(config('A', dirs[1]));
      await waitFor(async () => /Recovery needed/.test(a.log()), 60_000, 'A to start recovering', a);
      const b = startProcessor(config('B', dirs[2]));
      await waitFor(async () => /Partitions assigned/.test(b.log()), 60_000, 'B to join', a, b);
      const c = startProcessor(config('C', dirs[3]));
      await waitFor(async () => /Partitions assigned/.test(c.log()), 60_000, 'C to join', a, b, c);
      // Then the stream goes on: the counts carry on from the recovered state only if nothing was lost.
      const tail = inputMessages(3_480).slice(3_000);
      await produce(kafka, topic, tail, { chunk: 40, pauseMs: 20 });
      const want = expected([...history, ...tail]);
      await waitForFinalCounts(kafka, `${topic}-counts`, want, 180_000, a, b, c);
      const summaries = [];
      for (const member of [a, b, c]) summaries.push(await finish(member));
      assert.ok(summaries.some((summary) => summary.recoveries.some((r) => r.applied > 0)), 'the new members rebuilt state from the changelog');
      assertOutputs(await readAll(kafka, `${topic}-counts`), await readAll(kafka, `${topic}-windows`), want, 'cold start');
    } finally {
      await stopAll();
      for (const dir of dirs) await removeDir(dir);
    }
  });

  test('SlateDB on S3: a partition moved to another member is opened from S3 and only the changelog tail is replayed', async () => {
    const messages = inputMessages(2_400);
    const store = await s3Store(s3ClientConfig);
    const dirs = [await mkdtemp(path.join(tmpdir(), 'streamstate-a-')), await mkdtemp(path.join(tmpdir(), 'streamstate-b-'))];
    const { topic, group, config } = await scenario(kafka, bootstrap, 'handoff', { backend: 'slatedb', slatedbOptions: store.slatedbOptions });
    try {
      // A owns every partition and is killed mid-stream; B, on another "machine" (its own empty
      // state directory) but the same S3 location, takes the partitions over.
      const producing = produce(kafka, topic, messages, { chunk: 100, pauseMs: 30 });
      const a = startProcessor(config('A', dirs[0]));
      // Killed once it has processed some of every partition (every user counted at least 60 times).
      await waitForCounts(kafka, `${topic}-counts`, (highest) => USERS.every((user) => (highest.get(user) ?? 0) >= 60), 'A counting every user', 120_000, a);
      a.child.kill('SIGKILL');
      await a.exited;
      await producing;
      const changelog = await readAll(kafka, `changelog__${group}--${topic}--default`);
      const b = startProcessor(config('B', dirs[1]));
      const want = expected(messages);
      await waitForFinalCounts(kafka, `${topic}-counts`, want, 180_000, b);
      const bSummary = await finish(b);
      const defaults = bSummary.recoveries.filter((r) => r.changelogPartition.includes('--default['));
      assert.is(defaults.length, PARTITIONS, `B reports every partition of the default store: ${JSON.stringify(bSummary.recoveries)}`);
      for (const r of bSummary.recoveries) {
        assert.ok(r.fromOffset >= 0, `B opened ${r.changelogPartition} from S3 with the offset A stored (${r.fromOffset})`);
        const replayed = r.applied + r.skipped;
        assert.ok(replayed <= r.toOffset - r.fromOffset, `B replayed ${replayed} message(s) of ${r.changelogPartition}: at most the tail past the stored offset (${r.toOffset - r.fromOffset})`);
      }
      const replayed = defaults.reduce((sum, r) => sum + r.applied + r.skipped, 0);
      assert.ok(changelog.length > 100, `the changelog holds A's history (${changelog.length} messages)`);
      assert.ok(replayed < changelog.length / 10, `B replayed ${replayed} changelog messages, not the whole changelog (${changelog.length})`);
      assert.match(bSummary.log, /(Recovered|State of) changelog__\S+--default\[\d\]/, 'the log says, per partition, what was replayed');
      const stored = await storedCounts(group, 'slatedb', dirs[1], store.slatedbOptions, topic);
      assert.equal(Object.fromEntries(stored), Object.fromEntries(want.counts), 'the counts carry on from the state A left in S3, each message once');
      assertOutputs(await readAll(kafka, `${topic}-counts`), await readAll(kafka, `${topic}-windows`), want, 'handoff');
    } finally {
      await stopAll();
      for (const dir of dirs) await removeDir(dir);
    }
  });

  test.after(async () => {
    // connectKafka's client holds no connection of its own; nothing to close.
  });
  test.run();
}
