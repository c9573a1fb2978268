#!/usr/bin/env node
// Where the time goes, per state workload, on SlateDB over local files: the object-store calls
// each workload makes (count, bytes, milliseconds inside the store) and the calls into the wasm
// engine (each `SlateDb` method call and each scan page is at least one crossing of the wasm
// boundary), per operation of the workload. With --cpu-prof DIR, also a V8 CPU profile per
// workload (and the ten functions with the most self time, printed). Evidence for
// docs/benchmarks.md; measures and prints, asserts nothing about time.
//
// Run: npm run build && node bench/profile.mjs [--n 20000] [--workloads rmw,cold] [--cpu-prof /tmp/prof] [--nosync] [--sst-block-size B]
// (--nosync: the local-file store without fsync, RocksDB's durability class; --sst-block-size B:
// the engine setting sstBlockSize, in bytes)
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalFileObjectStore, SlateDb } from 'streamstate';
import { formatNumber, formatTable, tempDir } from './lib/common.mjs';
import { countingStore } from './lib/counting-store.mjs';
import { readModifyWrite } from './workloads/read-modify-write.mjs';
import { windowedAggregation } from './workloads/windowed-aggregation.mjs';
import { rangeScans } from './workloads/range-scans.mjs';
import { coldReads } from './workloads/cold-reads.mjs';
import { recovery } from './workloads/recovery.mjs';
import { sizesFor } from './lib/sizes.mjs';

const { values: args } = parseArgs({
  options: { n: { type: 'string', default: '20000' }, workloads: { type: 'string' }, 'cpu-prof': { type: 'string' }, nosync: { type: 'boolean', default: false }, 'sst-block-size': { type: 'string' } },
});
const sizes = sizesFor(Number(args.n));
let workloads = [readModifyWrite, windowedAggregation, rangeScans, coldReads, recovery];
if (args.workloads) workloads = workloads.filter((w) => args.workloads.split(',').includes(w.id));

// Count engine calls: every SlateDb method, and every page a scan pulls (PagedScan calls nextPage
// on the raw iterator once per page; counted through the iterator's prototype when first seen).
const engineCalls = {};
const countCall = (name) => (engineCalls[name] = (engineCalls[name] ?? 0) + 1);
for (const name of ['get', 'getMany', 'put', 'delete', 'write', 'flush', 'close']) {
  const original = SlateDb.prototype[name];
  SlateDb.prototype[name] = function (...a) {
    countCall(name);
    return original.apply(this, a);
  };
}
const originalScan = SlateDb.prototype.scan;
SlateDb.prototype.scan = function (...a) {
  countCall('scan');
  const iterable = originalScan.apply(this, a);
  return {
    [Symbol.asyncIterator]() {
      const it = iterable[Symbol.asyncIterator]();
      let entries = 0;
      return {
        next: async () => {
          const step = await it.next();
          if (!step.done) entries++;
          else countCall('scan entries'), (engineCalls['scan entries'] += entries - 1);
          return step;
        },
        return: async () => {
          countCall('scan entries');
          engineCalls['scan entries'] += entries - 1;
          return it.return?.();
        },
      };
    },
  };
};

const rows = [];
const hot = [];
const session = args['cpu-prof'] ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await mkdir(args['cpu-prof'], { recursive: true });
}
for (const workload of workloads) {
  const tmp = await tempDir(`profile-${workload.id}`);
  const counting = countingStore(new LocalFileObjectStore(path.join(tmp.dir, 'objects'), { fsync: !args.nosync }));
  const env = { managerOptions: () => ({ stateDir: tmp.dir, groupId: 'bench', backend: 'slatedb', slatedbOptions: { objectStore: counting.proxy, ...(args['sst-block-size'] ? { settings: { sstBlockSize: Number(args['sst-block-size']) } } : {}) } }) };
  for (const key of Object.keys(engineCalls)) delete engineCalls[key];
  counting.take();
  if (session) await session.post('Profiler.start');
  let results;
  try {
    results = await workload.run(env, sizes);
  } finally {
    await tmp.cleanup();
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path.join(args['cpu-prof'], `${workload.id}.cpuprofile`), JSON.stringify(profile));
    hot.push([workload.id, topSelfTime(profile, 8)]);
  }
  const ops = results.reduce((sum, r) => sum + r.ops, 0);
  const calls = counting.take();
  const per = (n) => (n / ops).toFixed(3);
  const get = calls.get ?? { calls: 0, bytes: 0, ms: 0 };
  const put = calls.put ?? { calls: 0, bytes: 0, ms: 0 };
  const others = Object.entries(calls).filter(([k]) => k !== 'get' && k !== 'put').map(([k, v]) => `${k} ${v.calls}`).join(', ');
  const crossings = Object.entries(engineCalls).filter(([k]) => k !== 'scan entries').reduce((sum, [, v]) => sum + v, 0);
  rows.push([
    workload.id,
    String(ops),
    `${get.calls} (${per(get.calls)})`,
    get.calls ? formatNumber(get.bytes / get.calls) : '-',
    formatNumber(get.ms),
    `${put.calls} (${per(put.calls)})`,
    put.calls ? formatNumber(put.bytes / put.calls) : '-',
    formatNumber(put.ms),
    others || '-',
    `${crossings} (${per(crossings)})`,
    Object.entries(engineCalls).map(([k, v]) => `${k} ${v}`).join(', '),
  ]);
}
console.log(`SlateDB on LocalFileObjectStore, defaults, N = ${sizes.n}; per op in parentheses (ops: the workload's rows summed)`);
console.log(formatTable(['workload', 'ops', 'store GETs', 'B/GET', 'ms in GETs', 'store PUTs', 'B/PUT', 'ms in PUTs', 'other store calls', 'engine calls', 'engine calls by kind'], rows));
for (const [id, top] of hot) {
  console.log(`\n${id}: most self time (ms)`);
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
}

/** The functions with the most self time in a V8 CPU profile. */
function topSelfTime(profile, count) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
}
