#!/usr/bin/env node
// streamstate benchmarks: every backend in one run, the same state-level workloads through
// StateStoreManager and transactions, a table of ops/s with each backend's ratio to RocksDB
// (RocksDB = 1.00), then the engine benchmark (bench/engine.mjs). Measures and prints; asserts
// only that the work was done (counts add up), never anything about time.
//
// Run: npm run bench                       (builds, then: node bench/run.mjs)
//      node bench/run.mjs --quick          (a quarter of the sizes: a smoke run)
//      node bench/run.mjs --n 40000        (scale every workload: N messages/events, N/2 keys...)
//      node bench/run.mjs --backends rocksdb,slatedb-file --workloads rmw,cold --no-engine
//      node bench/run.mjs --markdown       (the tables as Markdown too, for docs/benchmarks.md)
//      node bench/run.mjs --json           (every number, machine-readable, at the end)
//      node bench/run.mjs --repeat 1       (one run per cell; default: the median of 3, in
//                                          alternating rounds: every cell once, then again...)
//      --no-s3 skips the S3 columns (SlateDB on MinIO behind Toxiproxy at +0, +10, +30 ms)
//      --no-rss skips the peak-RSS table (each backend once more, in a child process: bench/rss.mjs)
//      --no-warmup skips the unrecorded warm-up pass at N = 1000; --no-native the native SlateDB line
//      --no-read-all skips the S3 read-all part (bench/s3-read-all.mjs: 64 MB of state read back from
//        MinIO at +0 and +30 ms, in MB/s; also skipped by --no-s3)
//      --help prints this text
//      --no-kafka skips the last part, recovery over a real Kafka broker and MinIO
//        (bench/kafka-recovery.mjs, run as a child process on Node >= 22.22; --kafka-keys K and
//        --kafka-messages M size it: 100 000 keys and twice as many messages by default)
//      --sst-block-size B[,B...] sets the engine setting sstBlockSize (bytes) on every wasm SlateDB
//        column; with several sizes, each such column runs once per size (e.g. "SlateDB file 16K"),
//        in the same alternating rounds
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { formatEngineResults, measureFirstOpen, runEngineBench } from './engine.mjs';
import { benchBackends, s3Backends } from './lib/backends.mjs';
import { formatMachineFacts, formatMarkdownTable, formatNumber, formatTable, machineFacts, now } from './lib/common.mjs';
import { loadNativeSlateDb } from './lib/native-slatedb.mjs';
import { readModifyWrite } from './workloads/read-modify-write.mjs';
import { windowedAggregation } from './workloads/windowed-aggregation.mjs';
import { rangeScans } from './workloads/range-scans.mjs';
import { coldReads } from './workloads/cold-reads.mjs';
import { recovery } from './workloads/recovery.mjs';
import { runKafkaRecoveryChild, UNAVAILABLE_STATUS } from './kafka-recovery.mjs';
import { sizesFor } from './lib/sizes.mjs';

const WORKLOADS = [readModifyWrite, windowedAggregation, rangeScans, coldReads, recovery];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    n: { type: 'string' },
    backends: { type: 'string' },
    workloads: { type: 'string' },
    'no-engine': { type: 'boolean', default: false },
    'no-warmup': { type: 'boolean', default: false },
    'no-native': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    'no-rss': { type: 'boolean', default: false },
    'no-s3': { type: 'boolean', default: false },
    'rss-child': { type: 'string' },
    'engine-n': { type: 'string' },
    markdown: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-kafka': { type: 'boolean', default: false },
    'kafka-keys': { type: 'string' },
    'kafka-messages': { type: 'string' },
    'recovery-batch': { type: 'string' },
    'no-read-all': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    'sst-block-size': { type: 'string' },
  },
});
if (args.help) {
  // The usage is the comment block at the top of this file, printed without its comment marks.
  const { readFileSync } = await import('node:fs');
  const head = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(head.slice(0, head.findIndex((line) => !line.startsWith('//'))).map((line) => line.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

const n = args.n !== undefined ? Number(args.n) : args.quick ? 5_000 : 20_000;
if (!Number.isSafeInteger(n) || n < 100) throw new Error(`--n must be an integer of at least 100, got ${args.n}`);
const sizes = sizesFor(n);
// --recovery-batch M: row (e) hands M messages per recoverFromChangelogMessages call (default 500).
if (args['recovery-batch']) sizes.recoveryBatch = Number(args['recovery-batch']);
const repeat = Number(args.repeat);
if (!Number.isSafeInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${args.repeat}`);
const engineN = args['engine-n'] !== undefined ? Number(args['engine-n']) : args.quick ? 20_000 : 100_000;
const execFileAsync = promisify(execFile);
let rssMarkdown;
const RSS_LABELS = { rmw: 'a. read-modify-write', windowed: 'b. tumbling window + expiry', scans: 'c. range scans (all three)', cold: 'd. cold reads after reopen', recovery: 'e. replay, then f. reopen + read all' };
const log = (message) => process.stderr.write(`${message}\n`);

const facts = machineFacts();
const started = now();
console.log(`streamstate benchmarks — ${formatMachineFacts(facts)}`);
console.log(`N = ${n}${args.quick ? ' (--quick)' : ''}; ${repeat === 1 ? 'one run per cell' : `median of ${repeat} runs per cell`}, wall-clock time of the timed section\n`);

// Before any workload opens a SlateDB database: the wasm's read, compile and instantiate time.
const firstOpenMs = await measureFirstOpen();
const native = args['no-native'] ? { reason: '--no-native given' } : await loadNativeSlateDb();
let backends = await benchBackends(native);
// SlateDB on S3 (MinIO behind Toxiproxy at 0, 10 and 30 ms per reply), unless --no-s3 or the
// servers cannot be installed here.
let s3;
const wantsS3 = !args['no-s3'] && (!args.backends || args.backends.split(',').some((id) => id.startsWith('slatedb-s3')));
if (wantsS3) {
  log('starting MinIO and Toxiproxy for the S3 columns');
  s3 = await s3Backends();
  if (s3.skip) console.log(`S3 columns SKIPPED: ${s3.skip}`);
  else backends.push(...s3.backends);
}
if (args.backends) {
  const wanted = new Set(args.backends.split(','));
  backends = backends.filter((b) => wanted.has(b.id));
}
// --sst-block-size: the wasm SlateDB columns with slatedbOptions.settings.sstBlockSize set.
if (args['sst-block-size']) {
  const blockSizes = args['sst-block-size'].split(',').map(Number);
  const withBlockSize = (backend, bytes) => ({
    ...backend,
    ...(blockSizes.length > 1 ? { id: `${backend.id}@${bytes / 1024}k`, label: `${backend.label} ${bytes / 1024}K` } : {}),
    note: `${backend.note}; settings.sstBlockSize ${bytes}`,
    setup: async () => {
      const env = await backend.setup();
      const managerOptions = () => {
        const options = env.managerOptions();
        const slatedbOptions = options.slatedbOptions ?? {};
        return { ...options, slatedbOptions: { ...slatedbOptions, settings: { ...slatedbOptions.settings, sstBlockSize: bytes } } };
      };
      return { ...env, managerOptions };
    },
  });
  backends = backends.flatMap((b) => (b.id.startsWith('slatedb-') ? blockSizes.map((bytes) => withBlockSize(b, bytes)) : [b]));
}
let workloads = WORKLOADS;
if (args.workloads) {
  const wanted = new Set(args.workloads.split(','));
  workloads = workloads.filter((w) => wanted.has(w.id));
}

console.log('backends:');
for (const backend of backends) console.log(`  ${backend.label.padEnd(22)} ${backend.skip ? `SKIPPED: ${backend.skip}` : backend.note}`);
console.log('');

// A warm-up pass at a tiny size on every backend, not recorded: the first backend measured would
// otherwise also pay for compiling the state layer's hot paths.
if (!args['no-warmup']) {
  log('warm-up');
  for (const workload of workloads) {
    for (const backend of backends) {
      if (backend.skip || backend.s3) continue;
      const env = await backend.setup();
      try {
        await workload.run(env, sizesFor(1000));
      } catch {
        // a failure shows in the measured run
      } finally {
        await env.cleanup();
      }
    }
  }
}

// results[rowTitle][backendId] = { ops, ms, detail }
const results = new Map();
const rowTitles = workloads.flatMap((w) => w.rows);
for (const title of rowTitles) results.set(title, {});
const details = new Map();

// Rounds alternate: round 1 runs every workload on every backend, then round 2 does it again, and
// so on, so a burst of load from elsewhere on the machine hits every backend, not one column.
// runs[workloadId][backendId] = [rows of one run, ...]
const runs = new Map(workloads.map((w) => [w.id, new Map()]));
const failed = new Map();
for (let round = 0; round < repeat; round++) {
  for (const workload of workloads) {
    for (const backend of backends) {
      if (backend.skip || failed.has(`${workload.id}/${backend.id}`)) continue;
      log(`round ${round + 1}/${repeat}: ${workload.id} on ${backend.id}`);
      try {
        const env = await backend.setup();
        try {
          const rows = await workload.run(env, sizes);
          const list = runs.get(workload.id).get(backend.id) ?? [];
          list.push(rows);
          runs.get(workload.id).set(backend.id, list);
        } finally {
          await env.cleanup();
        }
      } catch (error) {
        log(`  ${workload.id} on ${backend.id} failed: ${error?.stack ?? error}`);
        failed.set(`${workload.id}/${backend.id}`, String(error?.message ?? error).split('\n')[0]);
      }
    }
  }
}
for (const workload of workloads) {
  for (const backend of backends) {
    if (backend.skip) continue;
    const error = failed.get(`${workload.id}/${backend.id}`);
    const list = runs.get(workload.id).get(backend.id) ?? [];
    workload.rows.forEach((title, i) => {
      if (error !== undefined) {
        results.get(title)[backend.id] = { error };
        return;
      }
      // The median run of this row (by time per operation).
      const row = list.map((rows) => rows[i]).sort((x, y) => x.ms / x.ops - y.ms / y.ops)[Math.floor(list.length / 2)];
      results.get(title)[backend.id] = row;
      if (!details.has(title)) details.set(title, row.detail);
    });
  }
}

const ran = backends.filter((b) => !b.skip);
await s3?.stop?.();
const reference = ran.find((b) => b.id === 'rocksdb');
const cell = (row, backend, markdown) => {
  const result = row[backend.id];
  if (result === undefined) return '-';
  if (result.error) return 'failed';
  const opsPerSecond = (result.ops * 1000) / result.ms;
  const base = reference ? row[reference.id] : undefined;
  const ratio = base && !base.error ? opsPerSecond / ((base.ops * 1000) / base.ms) : undefined;
  const ratioText = ratio === undefined ? '' : markdown ? ` (${ratio.toFixed(2)})` : ` (${ratio.toFixed(2)})`;
  return `${formatNumber(opsPerSecond)}${ratioText}`;
};
const header = ['workload (ops/s, ratio to RocksDB)', ...ran.map((b) => b.label)];
const table = rowTitles.map((title) => [title, ...ran.map((b) => cell(results.get(title), b, false))]);
console.log(formatTable(header, table));
console.log('');
for (const title of rowTitles) console.log(`  ${title}: ${details.get(title) ?? ''}`);
const openLines = ['d. cold reads after reopen (gets/s)', 'f. reopen + read all (keys/s)']
  .filter((title) => results.has(title))
  .map((title) => `  open time before ${title[0]}: ${ran.map((b) => `${b.label} ${results.get(title)[b.id]?.openMs?.toFixed(0) ?? '-'} ms`).join(', ')}`);
if (openLines.length > 0) console.log(openLines.join('\n'));
if (results.has('e. changelog replay (msgs/s)')) {
  const replay = results.get('e. changelog replay (msgs/s)');
  const reopen = results.get('f. reopen + read all (keys/s)');
  const parts = ran.filter((b) => replay[b.id]?.ms !== undefined).map((b) => `${b.label}: replay ${replay[b.id].ms.toFixed(0)} ms, reopen+read ${reopen[b.id]?.ms?.toFixed(0) ?? '-'} ms`);
  console.log(`  recovery of one partition (${sizes.recoveryMessages} changelog msgs): ${parts.join('; ')}`);
}
if (native.reason) console.log(`  native SlateDB reference skipped: ${native.reason}`);

// The S3 columns against SlateDB on local files (the issue's goal: within 2x at 30 ms).
const s3Ran = ran.filter((b) => b.s3);
const fileBackend = ran.find((b) => b.id === 'slatedb-file');
let s3Markdown;
if (s3Ran.length > 0 && fileBackend) {
  const opsOf = (r) => (r && !r.error ? (r.ops * 1000) / r.ms : undefined);
  const s3Header = ['S3 columns, ratio to SlateDB file', ...s3Ran.map((b) => b.label)];
  const s3Rows = rowTitles.map((title) => [
    title,
    ...s3Ran.map((b) => {
      const mine = opsOf(results.get(title)[b.id]);
      const base = opsOf(results.get(title)[fileBackend.id]);
      return mine === undefined || base === undefined ? '-' : (mine / base).toFixed(2);
    }),
  ]);
  console.log('');
  console.log(formatTable(s3Header, s3Rows));
  if (args.markdown) s3Markdown = formatMarkdownTable(s3Header, s3Rows);
}

// Peak RSS per backend and workload, each backend in a process of its own (bench/rss.mjs).
let rss;
if (!args['no-rss']) {
  log('peak RSS: one child process per backend');
  rss = {};
  for (const backend of ran) {
    if (backend.s3) {
      rss[backend.id] = { skipped: 'not measured on S3 (the servers run in this process)' };
      continue;
    }
    try {
      const { stdout } = await execFileAsync(
        process.execPath,
        ['--expose-gc', fileURLToPath(new URL('./rss.mjs', import.meta.url)), '--backend', backend.id, '--n', String(n), '--workloads', workloads.map((w) => w.id).join(',')],
        { maxBuffer: 1 << 20 },
      );
      rss[backend.id] = JSON.parse(stdout.trim().split('\n').pop());
    } catch (error) {
      rss[backend.id] = { skipped: `failed: ${String(error?.message ?? error).split('\n')[0]}` };
    }
  }
  const mib = (bytes) => (bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(0));
  const rssHeader = ['peak RSS (MiB; one process per backend)', ...ran.map((b) => b.label)];
  const rssRows = [
    ['process after start (baseline)', ...ran.map((b) => mib(rss[b.id]?.baselineBytes))],
    ...workloads.map((w) => [RSS_LABELS[w.id] ?? w.id, ...ran.map((b) => (rss[b.id]?.skipped ? 'skipped' : mib(rss[b.id]?.peaks?.[w.id])))]),
  ];
  console.log('');
  console.log(formatTable(rssHeader, rssRows));
  for (const b of ran) if (rss[b.id]?.skipped) console.log(`  ${b.label}: peak RSS not measured: ${rss[b.id].skipped}`);
  // The engine's stated memory bound (docs/benchmarks.md): block cache 64 MiB + unflushed
  // memtables 64 MiB (maxUnflushedBytes; writers wait beyond it) + one compaction output SST
  // buffered whole (16 MiB) + the wasm module and its allocator's slack (32 MiB). Checked against
  // each SlateDB column's peak above the same workload's peak in the memory backend's process (the
  // state layer's own memory), printed, never asserted.
  const boundMiB = 64 + 64 + 16 + 32;
  const reference = rss.memory?.peaks;
  if (reference) {
    for (const b of ran.filter((x) => x.id.startsWith('slatedb') && rss[x.id]?.peaks)) {
      const over = Math.max(...workloads.map((w) => (rss[b.id].peaks[w.id] ?? 0) - (reference[w.id] ?? 0))) / 2 ** 20;
      console.log(`  engine memory bound: ${b.label} peaks at most ${over.toFixed(0)} MiB above the memory backend's (bound ${boundMiB} MiB): ${over <= boundMiB ? 'within' : 'EXCEEDED'}`);
    }
  }
  if (args.markdown) rssMarkdown = formatMarkdownTable(rssHeader, rssRows);
}

let engine;
if (!args['no-engine']) {
  console.log('\nengine (SlateDb below the state layer; bench/engine.mjs):');
  engine = await runEngineBench({ n: engineN, gets: Math.round(engineN / 10), native: Boolean(native.slatedb), firstOpen: firstOpenMs, log });
  console.log(formatEngineResults(engine));
}

if (args.markdown) {
  console.log('\nMarkdown:\n');
  console.log(formatMarkdownTable(header, rowTitles.map((title) => [title, ...ran.map((b) => cell(results.get(title), b, true))])));
  if (s3Markdown) console.log(`\n${s3Markdown}`);
  if (rssMarkdown) console.log(`\n${rssMarkdown}`);
}
if (args.json) {
  const plain = Object.fromEntries([...results].map(([title, row]) => [title, row]));
  console.log(JSON.stringify({ facts, sizes, backends: ran.map((b) => b.id), results: plain, rss, engine }, null, 2));
}
console.log(`\ntotal ${((now() - started) / 1000).toFixed(1)} s; load average at the end ${machineFacts().loadAverage1m}`);

// Then: a larger partition (64 MB) read back whole from S3, the handoff's read rate in MB/s.
if (!args['no-s3'] && !args['no-read-all'] && !args.backends) {
  console.log('\nS3 read-all: 64 MB of state written to MinIO, then reopened by a new owner and read whole (bench/s3-read-all.mjs)');
  const child = await import('node:child_process');
  const status = await new Promise((resolve) => {
    const proc = child.spawn(process.execPath, [fileURLToPath(new URL('./s3-read-all.mjs', import.meta.url)), ...(args.quick ? ['--mb', '16'] : []), ...(args.markdown ? ['--markdown'] : [])], { stdio: 'inherit' });
    proc.on('close', resolve);
  });
  if (status !== 0) {
    console.log(`S3 read-all FAILED (exit status ${status}; see above)`);
    process.exitCode = 1;
  }
}

// Last: recovery of one partition over a real broker (replay from Kafka vs reopen from the object
// store), in a child process because the Kafka client needs a newer Node than this one may be.
if (!args['no-kafka']) {
  const forwarded = [
    ...(args.quick ? ['--quick'] : []),
    ...(args['no-warmup'] ? ['--no-warmup'] : []),
    ...(args.markdown ? ['--markdown'] : []),
    ...(args.json ? ['--json'] : []),
    ...(args['kafka-keys'] !== undefined ? ['--kafka-keys', args['kafka-keys']] : []),
    ...(args['kafka-messages'] !== undefined ? ['--kafka-messages', args['kafka-messages']] : []),
  ];
  const status = await runKafkaRecoveryChild(forwarded);
  if (status === UNAVAILABLE_STATUS) console.log('recovery over Kafka SKIPPED: no broker or MinIO can be installed on this machine (see above)');
  else if (status !== 0) {
    console.log(`recovery over Kafka FAILED (exit status ${status}; see above)`);
    process.exitCode = 1;
  }
}
