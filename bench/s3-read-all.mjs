// How fast a partition's whole state comes back from S3: the handoff read (issue: "reopen + read
// all moves at least 100 MB/s of state"). Row (f) of bench/run.mjs holds 1-2 MB, too little to
// measure a rate; this writes a larger partition and reads it back.
//
// 1. Starts MinIO and Toxiproxy (the project's scripts, loopback, temporary state).
// 2. Writes `--mb` MB of state (keys `k-<n>`, `--value-bytes` values) through the state API into
//    a SlateDB partition on S3 through a proxy adding no latency, flushes and closes it, and waits
//    for nothing else: what the writer left (L0 SSTs and whatever its compactor merged) is read.
// 3. For each `--latency` (ms added to every reply), opens the partition with a new state
//    directory and its own S3 client (as the next owner would) and reads every key with
//    `iterItems`, timed from the open; prints MB/s of keys and values, and the GETs made.
//
// node bench/s3-read-all.mjs [--mb 64] [--value-bytes 1000] [--latency 0,30] [--rounds 1] [--markdown]
//   [--cpu-prof DIR]   (a V8 CPU profile of each read, open included, written to DIR)
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { StateStoreManager, S3ObjectStore, setLogger, silentLogger } from 'streamstate';
import { countingStore } from './lib/counting-store.mjs';
import { formatMachineFacts, formatMarkdownTable, formatNumber, formatTable, machineFacts, tempDir, timed } from './lib/common.mjs';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '64' },
    'value-bytes': { type: 'string', default: '1000' },
    latency: { type: 'string', default: '0,30' },
    rounds: { type: 'string', default: '1' },
    markdown: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('node bench/s3-read-all.mjs [--mb 64] [--value-bytes 1000] [--latency 0,30] [--rounds 1] [--markdown] [--cpu-prof DIR]');
  process.exit(0);
}
const positive = (name) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${args[name]}`);
  return n;
};
const megabytes = positive('mb');
const valueBytes = positive('value-bytes');
const rounds = positive('rounds');
const latencies = args.latency.split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--latency takes whole milliseconds separated by commas, got ${args.latency}`);
  return n;
});

/** Starts a V8 CPU profile in this process; `stop(file)` writes it where `--cpu-prof` says. */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

setLogger(silentLogger);
console.log(formatMachineFacts(machineFacts()));

const { startMinio } = await import('./lib/servers.mjs');
const { startToxiproxy } = await import('../tests/helpers/toxiproxy.mjs');
const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
const minio = await startMinio();
const toxiproxy = startToxiproxy();
if (toxiproxy === undefined) throw new Error('scripts/toxiproxy.sh cannot install Toxiproxy on this machine');
const bucket = 'readall';
const admin = new S3Client(minio.clientConfig);
await admin.send(new CreateBucketCommand({ Bucket: bucket }));
admin.destroy();
const upstream = new URL(minio.clientConfig.endpoint).host;
const proxies = new Map();
for (const ms of new Set([0, ...latencies])) {
  const proxy = await toxiproxy.createProxy({ name: `readall-${ms}ms`, upstream });
  if (ms > 0) await proxy.addLatency(ms);
  proxies.set(ms, { ...minio.clientConfig, endpoint: `http://${proxy.listen}` });
}

const prefix = `p-${Date.now().toString(36)}`;
const stores = [];
const managerFor = async (ms, counting) => {
  const tmp = await tempDir(`readall-${ms}`);
  const s3 = new S3ObjectStore({ bucket, prefix, clientConfig: proxies.get(ms) });
  stores.push(s3);
  const counted = counting ? countingStore(s3) : undefined;
  const manager = new StateStoreManager({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { objectStore: counted?.proxy ?? s3 } });
  manager.registerStore('events', 'state');
  return { manager, tmp, counted };
};

try {
  // Write: 2 000 keys per transaction, values of `valueBytes` characters (JSON strings: +2 bytes).
  const keyCount = Math.ceil((megabytes * 1_000_000) / (valueBytes + 10));
  const filler = 'x'.repeat(valueBytes);
  const writer = await managerFor(0, false);
  await writer.manager.onPartitionAssign('events', 0);
  const store = writer.manager.getStore('events', 'state');
  const written = await timed(async () => {
    for (let offset = 0; offset < keyCount; offset += 2000) {
      const tx = store.startPartitionTransaction(0);
      for (let k = offset; k < Math.min(offset + 2000, keyCount); k++) tx.asState(`k-${k}`).set('v', filler);
      await tx.flush();
    }
  });
  await writer.manager.close();
  await writer.tmp.cleanup();
  console.log(`wrote ${formatNumber(keyCount)} keys (${megabytes} MB asked) in ${(written.ms / 1000).toFixed(1)} s`);

  const rows = [];
  for (let round = 0; round < rounds; round++) {
    for (const ms of latencies) {
      const reader = await managerFor(ms, true);
      let keys = 0;
      let bytes = 0;
      let openMs = 0;
      const profiler = args['cpu-prof'] === undefined ? undefined : await startProfile();
      const read = await timed(async () => {
        const opened = await timed(() => reader.manager.onPartitionAssign('events', 0));
        openMs = opened.ms;
        for await (const [key, value] of opened.result.state.iterItems(undefined, undefined)) {
          keys++;
          bytes += key.length + value.length;
        }
      });
      if (profiler) await profiler.stop(path.join(args['cpu-prof'], `read-${ms}ms-${round}.cpuprofile`));
      const calls = reader.counted.take();
      await reader.manager.close();
      await reader.tmp.cleanup();
      if (keys !== keyCount) throw new Error(`read ${keys} keys of ${keyCount}`);
      const gets = calls.get ?? { calls: 0, bytes: 0 };
      rows.push([
        `+${ms} ms`,
        formatNumber(keys),
        (bytes / 1e6).toFixed(1),
        formatNumber(Math.round(openMs)),
        formatNumber(Math.round(read.ms)),
        ((bytes / 1e6) / ((read.ms - openMs) / 1000)).toFixed(1),
        ((bytes / 1e6) / (read.ms / 1000)).toFixed(1),
        `${formatNumber(gets.calls)} (${gets.calls ? formatNumber(Math.round(gets.bytes / gets.calls / 1024)) : 0} KiB)`,
      ]);
    }
  }
  const header = ['latency', 'keys', 'state MB', 'open ms', 'open + read ms', 'read MB/s', 'with open MB/s', 'GETs (avg size)'];
  console.log((args.markdown ? formatMarkdownTable : formatTable)(header, rows));
} finally {
  await Promise.all(stores.map((s) => s.close()));
  toxiproxy.stop();
  await minio.stop();
}
