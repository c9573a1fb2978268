#!/usr/bin/env node
// Engine benchmark: the SlateDb engine (SlateDB compiled to WebAssembly) on its own, below the
// state layer. Prints the .wasm size (raw and gzip -9), then per object store (memory, local files):
// the time to open, a load of N keys in WriteBatches of 1000 (~100-byte values, awaitDurable false,
// then one flush), a full scan, random point gets, and the same gets after a reopen (cold: nothing
// in the memtable). Native SlateDB (@slatedb/uniffi), when it loads here, runs the same workload as
// a reference. No assertions on time: it measures and prints.
//
// Run: npm run build && node bench/engine.mjs [--quick] [--n KEYS] [--gets N] [--json]
// (npm run bench runs it too, after the state-level workloads.)
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb, WriteBatch } from 'streamstate';
import { formatMachineFacts, formatNumber, formatTable, isMain, keyBytes, machineFacts, now, random, tempDir, timed, valueBytes, directoryBytes } from './lib/common.mjs';
import { closeNative, loadNativeSlateDb, nativeScan, openNative } from './lib/native-slatedb.mjs';

const BATCH = 1000;
const VALUE_BYTES = 100;

/** The wasm file's size, raw and gzip -9. */
export async function wasmSize() {
  const bytes = await readFile(new URL('../pkg/streamstate_engine_bg.wasm', import.meta.url));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * Times the process's first `SlateDb.open` (on an empty MemoryObjectStore), which reads, compiles
 * and instantiates the wasm. Meaningful only before anything else opened a SlateDB database.
 * @returns milliseconds
 */
export async function measureFirstOpen() {
  const first = await timed(() => SlateDb.open('first-open', { objectStore: new MemoryObjectStore() }));
  await first.result.close();
  return first.ms;
}

/**
 * The workload on one engine. `engine` hides wasm vs native: open(), write(keys, values),
 * flush(), scan() (async iterable), get(key), close().
 */
async function runWorkload(engine, { n, gets }) {
  const keys = Array.from({ length: n }, (_, i) => keyBytes(i));
  const values = Array.from({ length: n }, (_, i) => valueBytes(i, VALUE_BYTES));
  const next = random(7);
  const probes = Array.from({ length: gets }, () => keys[Math.floor(next() * n)]);
  const result = { n, gets };

  let db;
  ({ ms: result.openMs, result: db } = await timed(() => engine.open()));
  result.loadMs = (
    await timed(async () => {
      for (let i = 0; i < n; i += BATCH) await engine.write(db, keys.slice(i, i + BATCH), values.slice(i, i + BATCH));
      await engine.flush(db);
    })
  ).ms;
  const scan = await timed(async () => {
    let count = 0;
    for await (const _ of engine.scan(db)) count++;
    return count;
  });
  result.scanMs = scan.ms;
  result.scanned = scan.result;
  const getWarm = await timed(async () => {
    let found = 0;
    for (const key of probes) if ((await engine.get(db, key)) !== undefined) found++;
    return found;
  });
  result.getMs = getWarm.ms;
  result.found = getWarm.result;
  result.closeMs = (await timed(() => engine.close(db))).ms;
  ({ ms: result.reopenMs, result: db } = await timed(() => engine.open()));
  const getCold = await timed(async () => {
    let found = 0;
    for (const key of probes) if ((await engine.get(db, key)) !== undefined) found++;
    return found;
  });
  result.coldGetMs = getCold.ms;
  result.coldScanMs = (
    await timed(async () => {
      for await (const _ of engine.scan(db));
    })
  ).ms;
  await engine.close(db);
  if (scan.result !== n || getWarm.result !== gets || getCold.result !== gets) {
    throw new Error(`${engine.label}: read back ${scan.result}/${n} keys by scan, ${getWarm.result}/${gets} and ${getCold.result}/${gets} by get`);
  }
  return result;
}

function wasmEngine(label, objectStore, path) {
  return {
    label,
    open: () => SlateDb.open(path, { objectStore, awaitDurable: false }),
    write: (db, keys, values) => {
      const batch = new WriteBatch();
      for (let i = 0; i < keys.length; i++) batch.put(keys[i], values[i]);
      return db.write(batch);
    },
    flush: (db) => db.flush(),
    scan: (db) => db.scan(),
    get: (db, key) => db.get(key),
    close: (db) => db.close(),
  };
}

function nativeEngine(slatedb, label, store, path) {
  return {
    label,
    open: () => openNative(slatedb, path, store),
    write: async (db, keys, values) => {
      const batch = new slatedb.WriteBatch();
      for (let i = 0; i < keys.length; i++) batch.put(keys[i], values[i]);
      const handle = await db.write_with_options(batch, { await_durable: false });
      handle?.dispose?.();
      batch.dispose();
    },
    flush: (db) => db.flush(),
    scan: (db) => nativeScan(slatedb, db),
    get: (db, key) => db.get(key),
    close: (db) => closeNative(db),
  };
}

/**
 * Latency of one durable write, three ways, `writes` sequential batches of 100 puts each:
 * `write(batch)` with awaitDurable (waits for SlateDB's next WAL flush, every `flushInterval`),
 * the same with `flushInterval: 10`, and `write(batch, { awaitDurable: false })` followed by
 * `flush()` (the WAL is written at once). All three resolve once the batch is in object storage.
 */
async function durableWriteLatency(objectStore, writes) {
  const value = valueBytes(0, VALUE_BYTES);
  const modes = [
    ['write, awaitDurable (flushInterval 100 ms)', undefined, (db, batch) => db.write(batch)],
    ['write, awaitDurable, flushInterval 10 ms', { flushInterval: 10 }, (db, batch) => db.write(batch)],
    ['write awaitDurable false, then flush()', undefined, async (db, batch) => {
      await db.write(batch, { awaitDurable: false });
      await db.flush();
    }],
  ];
  const out = [];
  for (const [label, settings, write] of modes) {
    const db = await SlateDb.open(`durable/${out.length}`, { objectStore, ...(settings ? { settings } : {}) });
    const { ms } = await timed(async () => {
      for (let i = 0; i < writes; i++) {
        const batch = new WriteBatch();
        for (let j = 0; j < 100; j++) batch.put(keyBytes(i * 100 + j), value);
        await write(db, batch);
      }
    });
    await db.close();
    out.push({ label, msPerWrite: ms / writes });
  }
  return out;
}

/**
 * Runs the engine benchmark.
 * @param options - `n` keys to load, `gets` random point gets, `durableWrites` per durable-latency
 *   mode, `native` to include @slatedb/uniffi, `firstOpen` (ms) when the caller already measured
 *   {@link measureFirstOpen}
 * @returns `{ wasm, firstOpenMs, rows, durable, native: { version } | { reason } }`
 */
export async function runEngineBench({ n = 100_000, gets = 10_000, durableWrites = 10, native = true, firstOpen, log = () => {} } = {}) {
  const wasm = await wasmSize();
  const firstOpenMs = firstOpen ?? (await measureFirstOpen());
  const rows = [];

  log('engine: wasm on MemoryObjectStore');
  rows.push({ label: 'wasm, MemoryObjectStore', ...(await runWorkload(wasmEngine('wasm/memory', new MemoryObjectStore(), 'bench/0'), { n, gets })) });

  const fileDir = await tempDir('engine-file');
  try {
    log('engine: wasm on LocalFileObjectStore');
    const engine = wasmEngine('wasm/file', new LocalFileObjectStore(fileDir.dir), 'bench/0');
    rows.push({ label: 'wasm, LocalFileObjectStore', ...(await runWorkload(engine, { n, gets })), bytes: await directoryBytes(fileDir.dir) });
  } finally {
    await fileDir.cleanup();
  }

  log('engine: durable write latency');
  const durable = { memory: await durableWriteLatency(new MemoryObjectStore(), durableWrites) };
  const durableDir = await tempDir('engine-durable');
  try {
    durable.file = await durableWriteLatency(new LocalFileObjectStore(durableDir.dir), durableWrites);
  } finally {
    await durableDir.cleanup();
  }

  let nativeInfo = { reason: 'not requested' };
  if (native) {
    nativeInfo = await loadNativeSlateDb();
    if (nativeInfo.slatedb) {
      const { slatedb } = nativeInfo;
      log('engine: native on memory:///');
      const memory = slatedb.ObjectStore.resolve('memory:///');
      try {
        rows.push({ label: `native ${nativeInfo.version}, memory:///`, native: true, ...(await runWorkload(nativeEngine(slatedb, 'native/memory', memory, 'bench/0'), { n, gets })) });
      } finally {
        memory.dispose();
      }
      const nativeDir = await tempDir('engine-native');
      const files = slatedb.ObjectStore.resolve(`file://${nativeDir.dir}`);
      try {
        log('engine: native on file://');
        const row = await runWorkload(nativeEngine(slatedb, 'native/file', files, 'bench/0'), { n, gets });
        rows.push({ label: `native ${nativeInfo.version}, file://`, native: true, ...row, bytes: await directoryBytes(nativeDir.dir) });
      } finally {
        files.dispose();
        await nativeDir.cleanup();
      }
    }
  }
  return { wasm, firstOpenMs, rows, durable, native: nativeInfo.slatedb ? { version: nativeInfo.version } : { reason: nativeInfo.reason } };
}

const perSecond = (count, ms) => (count * 1000) / ms;

/** The engine results as printable text. */
export function formatEngineResults(results) {
  const { wasm, firstOpenMs, rows } = results;
  const lines = [];
  lines.push(`wasm: pkg/streamstate_engine_bg.wasm ${wasm.raw.toLocaleString('en-US')} bytes raw, ${wasm.gzip.toLocaleString('en-US')} bytes gzip -9`);
  lines.push(`first open (reads, compiles and instantiates the wasm): ${firstOpenMs.toFixed(0)} ms`);
  const n = rows[0]?.n ?? 0;
  const gets = rows[0]?.gets ?? 0;
  lines.push(`workload: load ${n.toLocaleString('en-US')} keys (batches of ${BATCH}, ${VALUE_BYTES}-byte values, awaitDurable false, then flush), full scan, ${gets.toLocaleString('en-US')} random gets; close, reopen, the gets and the scan again (cold)`);
  lines.push('');
  const header = ['engine, store', 'open ms', 'load keys/s', 'scan keys/s', 'get/s', 'close ms', 'reopen ms', 'cold get/s', 'cold scan keys/s'];
  const table = rows.map((r) => [
    r.label,
    formatNumber(r.openMs),
    formatNumber(perSecond(r.n, r.loadMs)),
    formatNumber(perSecond(r.n, r.scanMs)),
    formatNumber(perSecond(r.gets, r.getMs)),
    formatNumber(r.closeMs),
    formatNumber(r.reopenMs),
    formatNumber(perSecond(r.gets, r.coldGetMs)),
    formatNumber(perSecond(r.n, r.coldScanMs)),
  ]);
  lines.push(formatTable(header, table));
  if (results.native.reason) lines.push(`native SlateDB skipped: ${results.native.reason}`);
  if (results.durable) {
    lines.push('');
    lines.push('durable write latency (sequential batches of 100 puts; each resolves once in object storage), ms per write:');
    const labels = results.durable.memory.map((d) => d.label);
    lines.push(
      formatTable(
        ['how', 'MemoryObjectStore', 'LocalFileObjectStore'],
        labels.map((label, i) => [label, formatNumber(results.durable.memory[i].msPerWrite), formatNumber(results.durable.file[i].msPerWrite)]),
      ),
    );
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      n: { type: 'string' },
      gets: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-native': { type: 'boolean', default: false },
    },
  });
  const n = values.n ? Number(values.n) : values.quick ? 20_000 : 100_000;
  const gets = values.gets ? Number(values.gets) : values.quick ? 2_000 : 10_000;
  const facts = machineFacts();
  console.log(`streamstate engine benchmark — ${formatMachineFacts(facts)}`);
  const started = now();
  const results = await runEngineBench({ n, gets, native: !values['no-native'], log: (m) => console.error(m) });
  if (values.json) console.log(JSON.stringify({ facts, ...results }, null, 2));
  else console.log(formatEngineResults(results));
  console.log(`(${((now() - started) / 1000).toFixed(1)} s)`);
}
