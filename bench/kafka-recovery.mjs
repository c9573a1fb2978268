#!/usr/bin/env node
// Partition recovery over a real Kafka broker, the two ways a partition's state comes back on a new
// owner, side by side in one run:
//
//   replay:  an empty store partition replayed from its changelog topic partition in Kafka through
//            RecoveryManager (watermarks, PartitionReader fetches of 4 MiB, one atomic batch per
//            fetch) - what RocksDB state must do on a new machine;
//   reopen:  the partition closed and opened again from its storage, RecoveryManager.assign finding
//            nothing to replay (the stored offset is the changelog's last), then every key read -
//            the handoff SlateDB offers: on S3 the new owner opens the state from the bucket, with a
//            fresh local state directory. RocksDB's reopen (same directory) is for reference only:
//            a new machine would not have those files.
//
// Backends: RocksDB, SlateDB on local files, SlateDB on S3 (MinIO). The broker (Apache Kafka, KRaft,
// scripts/kafka-server.sh) and MinIO (scripts/s3-server.sh) are started here, on 127.0.0.1 with
// their own temporary state and free ports, and stopped at the end, also on failure. Loopback means
// no network latency: a real S3 request costs 10-30 ms more, a remote broker a round trip per fetch.
//
// It measures and prints; it asserts only that the work was done (the produced offsets, the stored
// changelog offset N-1, every message applied, every key read back with its last value), never time.
//
// Run: node bench/kafka-recovery.mjs [--kafka-keys 100000] [--kafka-messages 200000] [--quick]
//        [--backends rocksdb,slatedb-file,slatedb-s3] [--no-warmup] [--markdown] [--json]
//      (npm run bench runs it at the end; --no-kafka there skips it.)
// The Kafka client (@platformatic/kafka) needs Node >= 22.22: on an older Node this script runs
// itself again on Node 24, installed from npm into a cache (tests/helpers/node24.mjs).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { node24 } from '../tests/helpers/node24.mjs';
import { formatMachineFacts, formatMarkdownTable, formatNumber, formatTable, isMain, machineFacts, now, tempDir as makeTempDir, timed, valueBytes } from './lib/common.mjs';
import { countingStore } from './lib/counting-store.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const MIN_NODE = [22, 22];
/** Exit status when a broker or MinIO cannot be installed on this machine (nothing measured). */
export const UNAVAILABLE_STATUS = 3;

/** True when this Node can load the Kafka client. */
export function nodeRunsKafka(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/**
 * Runs this benchmark as a child process on a Node that can load the Kafka client (this one, or
 * Node 24 from the cache), output inherited.
 * @param {string[]} argv - its arguments
 * @returns {Promise<number>} its exit status
 */
export async function runKafkaRecoveryChild(argv) {
  let node = process.execPath;
  if (!nodeRunsKafka()) {
    const installed = node24();
    if (!installed.path) {
      process.stderr.write(`kafka-recovery: cannot run: Node ${process.versions.node} is too old for the Kafka client and Node 24 could not be installed (${installed.reason})\n`);
      return 1;
    }
    node = installed.path;
  }
  const child = spawn(node, [SCRIPT, ...argv], { stdio: 'inherit' });
  // The child stops its servers on SIGINT/SIGTERM itself; forward them and wait for it.
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

const log = (message) => process.stderr.write(`${message}\n`);
const encoder = new TextEncoder();
const GROUP = 'bench';
const SOURCE_TOPIC = 'events';
const STORE = 'totals';
/** The whole run fails (and its servers are stopped) past this, whatever is waiting. */
const DEADLINE_MS = 20 * 60_000;
/** Read-ahead of the extra engine-level scan on S3 (see `readAhead` below). */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * `count` changelog records of one plain store over `keys` distinct keys, key `k` updated at offsets
 * k, k + keys, ... (the last update of every key is among the last `keys` offsets); each value is
 * ~100 bytes of JSON, the headers as the changelog producer writes them.
 * @returns `{ records, lastValue (key string -> bytes), payloadBytes }`
 */
function changelogRecords(topic, count, keys) {
  const keyBytes = Array.from({ length: keys }, (_, k) => encoder.encode(`"user-${String(k).padStart(7, '0')}"|"total"`));
  const cf = encoder.encode('default');
  const records = new Array(count);
  const lastValue = new Map();
  let payloadBytes = 0;
  for (let offset = 0; offset < count; offset++) {
    const key = keyBytes[offset % keys];
    const value = valueBytes(offset, 100);
    const processed = encoder.encode(`{"${SOURCE_TOPIC}":${offset}}`);
    records[offset] = {
      topic,
      partition: 0,
      key,
      value,
      headers: [
        ['__column_family__', cf],
        ['__processed_tp_offsets__', processed],
      ],
    };
    lastValue.set(Buffer.from(key).toString('latin1'), value);
    payloadBytes += key.length + value.length + '__column_family__'.length + cf.length + '__processed_tp_offsets__'.length + processed.length;
  }
  return { records, lastValue, payloadBytes };
}

/** Produces the records in chunks (each request well below the broker's 1 MB batch limit). */
async function produce(producer, records, chunk = 2_000) {
  let last;
  for (let i = 0; i < records.length; i += chunk) {
    const delivered = await producer.send(records.slice(i, i + chunk));
    last = delivered[delivered.length - 1];
  }
  return last;
}

// State directories in use, removed on exit when a signal or failure cuts a backend short.
const liveDirs = new Set();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory (see `tempDir` in lib/common.mjs), also removed if the process exits first. */
async function tempDir(label) {
  const tmp = await makeTempDir(label);
  liveDirs.add(tmp.dir);
  return {
    dir: tmp.dir,
    cleanup: async () => {
      await tmp.cleanup();
      liveDirs.delete(tmp.dir);
    },
  };
}

/** Sums two `countingStore` takes. */
function merge(x, y) {
  const out = { ...x };
  for (const [method, entry] of Object.entries(y)) {
    const into = (out[method] ??= { calls: 0, ms: 0, bytes: 0 });
    out[method] = { calls: into.calls + entry.calls, ms: into.ms + entry.ms, bytes: into.bytes + entry.bytes };
  }
  return out;
}

/** `get 812 (3.9 KiB avg, 5,012 ms), put 12 (...)` */
function formatCalls(calls) {
  const parts = Object.entries(calls ?? {})
    .filter(([method, e]) => e.calls > 0 && method !== 'close')
    .map(([method, e]) => `${method} ${e.calls}${e.bytes ? ` (${(e.bytes / e.calls / 1024).toFixed(1)} KiB avg)` : ''} ${formatNumber(e.ms)} ms`);
  return parts.length ? parts.join(', ') : 'none';
}

/** The backends, each with the manager options of a first owner and of the next one. */
function backendsFor(lib, { bucket, clientConfig }) {
  return [
    {
      id: 'rocksdb',
      label: 'RocksDB',
      reopenNote: 'reopen, same dir (reference)',
      async setup() {
        const tmp = await tempDir('kafka-rocksdb');
        const options = { stateDir: tmp.dir, groupId: GROUP, backend: 'rocksdb' };
        return { first: options, next: options, cleanup: tmp.cleanup };
      },
    },
    {
      id: 'slatedb-file',
      label: 'SlateDB file',
      reopenNote: 'reopen from its files',
      async setup() {
        const tmp = await tempDir('kafka-slatedb-file');
        const options = { stateDir: tmp.dir, groupId: GROUP, backend: 'slatedb' };
        return { first: options, next: options, cleanup: tmp.cleanup };
      },
    },
    {
      id: 'slatedb-s3',
      label: 'SlateDB S3',
      reopenNote: 'reopen from S3, new state dir',
      async setup() {
        // The next owner has a state directory and an S3 client of its own (another machine); the
        // state is in the bucket. Each store counts its requests (GETs behind the read-back).
        const [a, b] = [await tempDir('kafka-slatedb-s3-a'), await tempDir('kafka-slatedb-s3-b')];
        const prefix = `state-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        const stores = [0, 1].map(() => countingStore(new lib.S3ObjectStore({ bucket, prefix, clientConfig })));
        const options = (dir, store) => ({ stateDir: dir, groupId: GROUP, backend: 'slatedb', slatedbOptions: { objectStore: store.proxy } });
        return {
          first: options(a.dir, stores[0]),
          next: options(b.dir, stores[1]),
          calls: () => ({ ...merge(stores[0].take(), stores[1].take()) }),
          // The same full read through the engine with a 1 MiB read-ahead (SlateDb.scan), which the
          // state layer's iterItems over a whole family now also uses: the two side by side.
          readAhead: async (minimumEntries) => {
            const store = countingStore(new lib.S3ObjectStore({ bucket, prefix, clientConfig }));
            try {
              const manifest = (await store.inner.list('')).map((o) => o.key).find((key) => key.includes('/manifest/'));
              if (manifest === undefined) throw new Error('SlateDB S3: no manifest in the bucket to open');
              const db = await lib.SlateDb.open(manifest.slice(0, manifest.indexOf('/manifest/')), { objectStore: store.proxy });
              let entries = 0;
              store.take();
              const scan = await timed(async () => {
                for await (const _ of db.scan({ readAheadBytes: READ_AHEAD_BYTES })) entries++;
              });
              const calls = store.take();
              await db.close();
              // Every state key, plus the stored offset in the metadata column family.
              if (entries < minimumEntries) throw new Error(`SlateDB S3: the engine scan read ${entries} entries, expected at least ${minimumEntries}`);
              return { ms: scan.ms, entries, calls };
            } finally {
              await store.inner.close?.();
            }
          },
          cleanup: async () => {
            for (const store of stores) await store.inner.close?.();
            await a.cleanup();
            await b.cleanup();
          },
        };
      },
    },
  ];
}

/**
 * One backend: replay the changelog into an empty partition, close it, open it as the next owner
 * and read every key. Throws when a count does not add up.
 */
async function measureBackend(lib, backend, { reader, admin, topic, count, keys, lastValue, logger }) {
  const { StateStoreManager, RecoveryManager } = lib;
  const env = await backend.setup();
  try {
    // Replay into an empty partition.
    let manager = new StateStoreManager(env.first);
    manager.registerStore(SOURCE_TOPIC, STORE);
    const opened = await timed(() => manager.onPartitionAssign(SOURCE_TOPIC, 0));
    let partition = opened.result[STORE];
    if ((await partition.getChangelogOffset()) !== undefined) throw new Error(`${backend.label}: the partition to replay into is not empty`);
    const recovery = new RecoveryManager({ reader, admin, logger });
    env.calls?.();
    const replay = await timed(async () => {
      await recovery.assign(0, [{ storePartition: partition, changelog: topic }], { [SOURCE_TOPIC]: count });
      return recovery.recover();
    });
    const [report] = recovery.takeReports();
    const storedOffset = await partition.getChangelogOffset();
    if (!replay.result || report === undefined) throw new Error(`${backend.label}: recovery did not finish`);
    if (report.applied !== count || report.skipped !== 0) throw new Error(`${backend.label}: replay applied ${report.applied} and skipped ${report.skipped} of ${count} messages`);
    if (storedOffset !== count - 1) throw new Error(`${backend.label}: stored changelog offset ${storedOffset} after replay, expected ${count - 1}`);
    const closed = await timed(() => manager.close());
    const replayCalls = env.calls?.();

    // The next owner: open, ask RecoveryManager (nothing to replay), read every key.
    manager = new StateStoreManager(env.next);
    manager.registerStore(SOURCE_TOPIC, STORE);
    const next = new RecoveryManager({ reader, admin, logger });
    const entries = [];
    let openMs = 0;
    let assignMs = 0;
    const reopen = await timed(async () => {
      const reopened = await timed(() => manager.onPartitionAssign(SOURCE_TOPIC, 0));
      openMs = reopened.ms;
      partition = reopened.result[STORE];
      const assigned = await timed(() => next.assign(0, [{ storePartition: partition, changelog: topic }], { [SOURCE_TOPIC]: count }));
      assignMs = assigned.ms;
      for await (const entry of partition.iterItems(undefined, undefined)) entries.push(entry);
    });
    const reopenCalls = env.calls?.();
    const reopenedOffset = await partition.getChangelogOffset();
    await manager.close();
    if (next.pending) throw new Error(`${backend.label}: the reopened partition still needs recovery (stored offset ${reopenedOffset})`);
    if (reopenedOffset !== count - 1) throw new Error(`${backend.label}: stored changelog offset ${reopenedOffset} after reopen, expected ${count - 1}`);
    if (entries.length !== keys) throw new Error(`${backend.label}: read ${entries.length} keys after reopen, expected ${keys}`);
    let wrong = 0;
    for (const [key, value] of entries) {
      const expected = lastValue.get(Buffer.from(key).toString('latin1'));
      if (expected === undefined || !Buffer.from(value).equals(expected)) wrong++;
    }
    if (wrong > 0) throw new Error(`${backend.label}: ${wrong} of ${keys} keys read back with a wrong value or unknown key`);
    const readAhead = await env.readAhead?.(keys);
    return { openEmptyMs: opened.ms, replayMs: replay.ms, closeMs: closed.ms, reopenMs: reopen.ms, openMs, assignMs, scanMs: reopen.ms - openMs - assignMs, replayCalls, reopenCalls, readAhead };
  } finally {
    await env.cleanup();
  }
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      'kafka-keys': { type: 'string' },
      'kafka-messages': { type: 'string' },
      quick: { type: 'boolean', default: false },
      backends: { type: 'string' },
      'no-warmup': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const keys = args['kafka-keys'] !== undefined ? Number(args['kafka-keys']) : args.quick ? 20_000 : 100_000;
  if (!Number.isSafeInteger(keys) || keys < 1) throw new Error(`--kafka-keys must be a positive integer, got ${args['kafka-keys']}`);
  const count = args['kafka-messages'] !== undefined ? Number(args['kafka-messages']) : 2 * keys;
  if (!Number.isSafeInteger(count) || count < keys) throw new Error(`--kafka-messages must be an integer of at least --kafka-keys (${keys}), got ${args['kafka-messages']}`);

  const BACKEND_IDS = ['rocksdb', 'slatedb-file', 'slatedb-s3'];
  const unknown = (args.backends ?? '').split(',').filter((id) => id && !BACKEND_IDS.includes(id));
  if (unknown.length > 0 || args.backends === '') throw new Error(`--backends takes a comma-separated list of ${BACKEND_IDS.join(', ')}; got ${JSON.stringify(args.backends)}`);

  const lib = await import('streamstate');
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const { startKafka, startMinio, ServerUnavailable } = await import('./lib/servers.mjs');

  const facts = machineFacts();
  const started = now();
  console.log(`\nrecovery over Kafka (bench/kafka-recovery.mjs) — ${formatMachineFacts(facts)}`);
  if (!(await lib.rocksDbAvailable())) throw new Error('the RocksDB addon (@nxtedition/rocksdb) does not load on this Node; the RocksDB rows are the reference');

  // Servers first, both at once; stopped in `finally`, and by their exit hooks on a crash or signal.
  const watchdog = setTimeout(() => {
    log(`kafka-recovery: still running after ${DEADLINE_MS / 60_000} min; giving up (the servers are stopped on exit)`);
    process.exit(1);
  }, DEADLINE_MS);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log(`kafka-recovery: ${signal}: stopping the broker and MinIO`);
      process.exit(130);
    });
  }

  log('kafka-recovery: starting a Kafka broker and MinIO on 127.0.0.1');
  const [kafkaStart, minioStart] = await Promise.allSettled([startKafka(), startMinio()]);
  const kafka = kafkaStart.status === 'fulfilled' ? kafkaStart.value : undefined;
  const minio = minioStart.status === 'fulfilled' ? minioStart.value : undefined;
  const closers = [];
  let status = 0;
  try {
    const failed = [kafkaStart, minioStart].find((s) => s.status === 'rejected');
    if (failed) {
      if (failed.reason instanceof ServerUnavailable) {
        console.log(`recovery over Kafka SKIPPED: ${failed.reason.message}`);
        status = UNAVAILABLE_STATUS;
        return status;
      }
      throw failed.reason;
    }
    console.log(`broker: Apache Kafka (KRaft, one node) on ${kafka.bootstrap}, up in ${(kafka.startMs / 1000).toFixed(1)} s; MinIO on ${minio.clientConfig.endpoint}, up in ${(minio.startMs / 1000).toFixed(1)} s`);
    console.log('both on loopback: no network latency (a real S3 request adds 10-30 ms; a remote broker a round trip per fetch)');

    const client = await lib.connectKafka({ brokers: kafka.bootstrap });
    const admin = client.admin();
    // The reader RecoveryManager uses, timed: how much of a replay is reading from Kafka.
    const kafkaReader = client.partitionReader();
    const reads = { calls: 0, ms: 0, records: 0 };
    const reader = {
      read: async (...request) => {
        const started = now();
        const result = await kafkaReader.read(...request);
        reads.calls++;
        reads.ms += now() - started;
        reads.records += result.records.length;
        return result;
      },
      close: () => kafkaReader.close(),
    };
    const takeReads = () => {
      const taken = { ...reads };
      Object.assign(reads, { calls: 0, ms: 0, records: 0 });
      return taken;
    };
    const producer = client.producer();
    closers.push(() => producer.close(), () => reader.close(), () => admin.close());
    const bucket = `bench-${Date.now().toString(36)}`;
    const s3 = new S3Client(minio.clientConfig);
    closers.push(() => s3.destroy());
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const recoveryLines = [];
    const logger = {
      debug: () => {},
      info: (message) => {
        recoveryLines.push(message);
        log(`  ${message}`);
      },
      warn: (message) => log(`  WARN ${message}`),
      error: (message) => log(`  ERROR ${message}`),
    };

    const makeTopic = async (name, n, k) => {
      // Compacted as a changelog is, with Kafka's default 1 GiB segments (the scripts' broker uses
      // 1 MiB ones and a quick cleaner, for the compaction tests): the log is one active segment,
      // which is never compacted, so every run replays all `n` messages, in fetches of 4 MiB.
      await admin.createTopics([{ name, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'segment.bytes': String(2 ** 30) } }]);
      const changelog = changelogRecords(name, n, k);
      const produced = await timed(() => produce(producer, changelog.records));
      changelog.records = undefined; // not needed any more
      const { low, high } = (await admin.watermarks(name, [0])).get(0);
      if (produced.result?.offset !== n - 1 || low !== 0 || high !== n) {
        throw new Error(`${name}: produced ${n} messages, last offset ${produced.result?.offset}, watermarks ${low}..${high}`);
      }
      return { name, count: n, keys: k, produceMs: produced.ms, ...changelog };
    };

    let backends = backendsFor(lib, { bucket, clientConfig: minio.clientConfig });
    if (args.backends) {
      const wanted = new Set(args.backends.split(','));
      backends = backends.filter((b) => wanted.has(b.id));
    }

    // A small unrecorded pass on every backend first: compiles the wasm engine, the Kafka client's
    // fetch decoding and the recovery path, so the first backend measured does not pay for it.
    if (!args['no-warmup']) {
      log('kafka-recovery: warm-up (not recorded)');
      const warm = await makeTopic(`changelog__${GROUP}--warmup--${STORE}`, 4_000, 2_000);
      for (const backend of backends) {
        await measureBackend(lib, backend, { reader, admin, topic: warm.name, count: warm.count, keys: warm.keys, lastValue: warm.lastValue, logger: { debug() {}, info() {}, warn: log, error: log } });
      }
    }

    log(`kafka-recovery: producing ${count} changelog messages over ${keys} keys to one partition`);
    const topic = await makeTopic(lib.changelogTopicName(GROUP, SOURCE_TOPIC, STORE), count, keys);
    const mb = topic.payloadBytes / 1e6;
    console.log(
      `changelog: ${topic.name}, 1 partition, cleanup.policy=compact, segment.bytes=1 GiB (one active segment, never compacted: all ${count} messages are replayed), ` +
        `${count} messages over ${keys} keys, ${(topic.payloadBytes / count).toFixed(0)} bytes each (key, ~100-byte value, two headers; ${mb.toFixed(1)} MB), ` +
        `produced in ${(topic.produceMs / 1000).toFixed(1)} s (${formatNumber((count * 1000) / topic.produceMs)} msgs/s, acks=all, batches of 2 000)\n`,
    );

    const results = new Map();
    for (const backend of backends) {
      log(`kafka-recovery: ${backend.label}`);
      takeReads();
      results.set(backend.id, await measureBackend(lib, backend, { reader, admin, topic: topic.name, count, keys, lastValue: topic.lastValue, logger }));
      results.get(backend.id).kafkaReads = takeReads();
    }

    const rocks = results.get('rocksdb');
    const speed = (ms) => (rocks ? (rocks.replayMs / ms).toFixed(2) : '-');
    const header = ['path (one partition)', 'time (ms)', 'rate', 'vs RocksDB replay'];
    const rows = [];
    for (const backend of backends) {
      const r = results.get(backend.id);
      rows.push([`${backend.label}: replay ${count} msgs from Kafka`, formatNumber(r.replayMs), `${formatNumber((count * 1000) / r.replayMs)} msgs/s, ${((mb * 1000) / r.replayMs).toFixed(1)} MB/s`, speed(r.replayMs)]);
    }
    for (const backend of backends) {
      const r = results.get(backend.id);
      rows.push([`${backend.label}: ${backend.reopenNote} + read ${keys} keys`, formatNumber(r.reopenMs), `${formatNumber((keys * 1000) / r.reopenMs)} keys/s`, speed(r.reopenMs)]);
    }
    console.log(formatTable(header, rows));
    console.log('');
    console.log(`  "vs RocksDB replay": RocksDB's replay time / this row's time (above 1: the partition is back sooner).`);
    console.log(`  replay: RecoveryManager.assign + recover() into an empty partition (4 MiB fetches, one atomic write per fetch); MB/s of keys, values and headers.`);
    console.log(`  reopen: open + RecoveryManager.assign (nothing to replay: stored offset ${count - 1} = the changelog's last) + iterItems over every key.`);
    for (const backend of backends) {
      const r = results.get(backend.id);
      console.log(
        `  ${backend.label}: replay = ${r.kafkaReads.ms.toFixed(0)} ms in ${r.kafkaReads.calls} Kafka reads (${(r.kafkaReads.records / r.kafkaReads.calls).toFixed(0)} msgs each) + applying ${(r.replayMs - r.kafkaReads.ms).toFixed(0)} ms; empty open ${r.openEmptyMs.toFixed(0)} ms; close after replay ${r.closeMs.toFixed(0)} ms; reopen = open ${r.openMs.toFixed(0)} ms + assign ${r.assignMs.toFixed(0)} ms + scan ${r.scanMs.toFixed(0)} ms`,
      );
      if (r.readAhead) {
        console.log(
          `    the same read of the S3 state through the engine with readAheadBytes ${READ_AHEAD_BYTES / 1024} KiB (SlateDb.scan; iterItems over a whole family uses the same read-ahead): ` +
            `${formatNumber(r.readAhead.ms)} ms for ${r.readAhead.entries} entries (${formatNumber((keys * 1000) / r.readAhead.ms)} keys/s), ${formatCalls(r.readAhead.calls)}`,
        );
      }
      if (r.replayCalls) console.log(`    S3 requests (ms summed over concurrent requests): replay + close: ${formatCalls(r.replayCalls)}; reopen + read all: ${formatCalls(r.reopenCalls)}`);
    }
    console.log(`  verified per backend: ${count} applied, 0 skipped, stored offset ${count - 1}; after the reopen ${keys} keys, each with its last value`);
    if (args.markdown) {
      console.log('\nMarkdown:\n');
      console.log(formatMarkdownTable(header, rows));
    }
    if (args.json) console.log(JSON.stringify({ facts, count, keys, payloadBytes: topic.payloadBytes, produceMs: topic.produceMs, results: Object.fromEntries(results) }, null, 2));
    return status;
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    const stops = await Promise.allSettled([kafka?.stop(), minio?.stop()]);
    const stopFailed = stops.find((s) => s.status === 'rejected');
    if (stopFailed) log(`kafka-recovery: stopping a server failed: ${stopFailed.reason?.message ?? stopFailed.reason}`);
    else log('kafka-recovery: broker and MinIO stopped');
    console.log(`recovery over Kafka: total ${((now() - started) / 1000).toFixed(1)} s; load average at the end ${machineFacts().loadAverage1m}`);
  }
}

if (isMain(import.meta.url)) {
  if (!nodeRunsKafka()) {
    process.exitCode = await runKafkaRecoveryChild(process.argv.slice(2));
  } else {
    try {
      process.exitCode = await main();
    } catch (error) {
      log(`kafka-recovery failed: ${error?.stack ?? error}`);
      process.exitCode = 1;
    }
    // The Kafka client may keep a socket or timer; everything is closed and stopped by now.
    process.exit();
  }
}
