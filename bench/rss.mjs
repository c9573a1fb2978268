#!/usr/bin/env node
// Peak resident memory per workload for ONE backend, in a process of its own (so one backend's
// memory never shows in another's column): before each workload the kernel's peak-RSS mark is reset
// (Linux: `5` written to /proc/self/clear_refs), after it VmHWM is read from /proc/self/status.
// WebAssembly memory grows and never shrinks, so a SlateDB cell also holds what earlier workloads
// of the same backend grew it to (the workloads run in the table's order). Run by bench/run.mjs;
// prints one JSON line: { backend, baselineBytes, peaks: { workloadId: bytes } } or { skipped }.
//
// Run: npm run build && node bench/rss.mjs --backend slatedb-file [--n 20000] [--workloads rmw,cold]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchBackends } from './lib/backends.mjs';
import { loadNativeSlateDb } from './lib/native-slatedb.mjs';
import { sizesFor } from './lib/sizes.mjs';
import { readModifyWrite } from './workloads/read-modify-write.mjs';
import { windowedAggregation } from './workloads/windowed-aggregation.mjs';
import { rangeScans } from './workloads/range-scans.mjs';
import { coldReads } from './workloads/cold-reads.mjs';
import { recovery } from './workloads/recovery.mjs';

const { values: args } = parseArgs({ options: { backend: { type: 'string' }, n: { type: 'string', default: '20000' }, workloads: { type: 'string' } } });
let workloads = [readModifyWrite, windowedAggregation, rangeScans, coldReads, recovery];
if (args.workloads) workloads = workloads.filter((w) => args.workloads.split(',').includes(w.id));

/** Resets the peak-RSS mark; false where the kernel does not offer it (not Linux). */
export function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The process's peak resident set since the last reset, in bytes (undefined when unknown). */
export function peakRss() {
  try {
    const kb = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

const native = args.backend === 'native-slatedb' ? await loadNativeSlateDb() : { reason: 'not asked for' };
const backend = (await benchBackends(native)).find((b) => b.id === args.backend);
if (backend === undefined) throw new Error(`unknown backend ${args.backend}`);
if (backend.skip || !resetPeakRss()) {
  console.log(JSON.stringify({ backend: backend.id, skipped: backend.skip ?? 'no /proc/self/clear_refs (peak RSS is measured on Linux only)' }));
} else {
  const baselineBytes = process.memoryUsage.rss();
  const peaks = {};
  for (const workload of workloads) {
    global.gc?.();
    resetPeakRss();
    const env = await backend.setup();
    try {
      await workload.run(env, sizesFor(Number(args.n)));
    } finally {
      await env.cleanup();
    }
    peaks[workload.id] = peakRss();
  }
  console.log(JSON.stringify({ backend: backend.id, baselineBytes, peaks }));
}
