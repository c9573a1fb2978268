// Shared pieces of the benchmarks: machine facts, timing, a deterministic random source, value
// bytes, temporary directories and table formatting. No assertions on time anywhere.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** CPU model, cores, memory, OS, Node version and date, as one object (printed and put in the docs). */
export function machineFacts() {
  const cpus = os.cpus();
  let cpuModel = cpus[0]?.model?.trim() ?? 'unknown';
  try {
    // os.cpus() on some VMs says only "AMD EPYC"; lscpu may know more.
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const name = lscpu.match(/^Model name:\s*(.+)$/m)?.[1]?.trim();
    if (name && name.length > cpuModel.length) cpuModel = name;
  } catch {
    // lscpu is optional
  }
  return {
    cpu: cpuModel,
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    // Other work on the machine skews every number: say how busy it was when the run started.
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

/** @returns one line of machine facts */
export function formatMachineFacts(facts) {
  return `${facts.cpu}, ${facts.cores} cores, ${facts.memoryGiB} GiB, ${facts.os}, Node ${facts.node}, ${facts.date}, load average ${facts.loadAverage1m}`;
}

/** Milliseconds since an arbitrary origin, high resolution. */
export const now = () => performance.now();

/**
 * Times `fn` once.
 * @returns `{ ms, result }`
 */
export async function timed(fn) {
  const started = now();
  const result = await fn();
  return { ms: now() - started, result };
}

/** A deterministic pseudo-random source (mulberry32): the same sequence for every backend. */
export function random(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` bytes of printable filler derived from `i` (compressible like typical JSON state). */
export function valueBytes(i, size = 100) {
  const text = `{"n":${i},"pad":"${'x'.repeat(Math.max(0, size - 16 - String(i).length))}"}`;
  return new TextEncoder().encode(text.padEnd(size, ' ').slice(0, size));
}

/** `key-00000042`-style keys: fixed width, so byte order is numeric order. */
export function keyBytes(i, width = 8) {
  return new TextEncoder().encode(`key-${String(i).padStart(width, '0')}`);
}

/** A fresh temporary directory, removed by the returned `cleanup`. */
export async function tempDir(label) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `streamstate-bench-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Bytes of a directory tree (0 when absent). */
export async function directoryBytes(dir) {
  const { readdir, stat } = await import('node:fs/promises');
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(full);
    else total += (await stat(full)).size;
  }
  return total;
}

/** 12345.6 -> "12,346"; small numbers keep a decimal or two. */
export function formatNumber(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return 'inf';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Renders rows (arrays of strings) as an aligned text table; first column left-aligned. */
export function formatTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i] ?? '').length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Renders rows as a Markdown table (for pasting into docs/benchmarks.md). */
export function formatMarkdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** True when the module at `url` is the program node was started with. */
export function isMain(url) {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  return new URL(url).pathname === path.resolve(argv1);
}
