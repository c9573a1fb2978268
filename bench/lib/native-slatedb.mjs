// Native SlateDB (the official Node binding, `@slatedb/uniffi`: SlateDB's Rust library as a native
// shared library called through koffi) as a reference for the wasm engine. Optional: when the
// package is not installed or its native library does not load here, `loadNativeSlateDb()` says why
// and the benchmarks skip the native lines.
import { createRequire } from 'node:module';

/**
 * @returns `{ slatedb, version }` when the binding loads and works, else `{ reason }`
 */
export async function loadNativeSlateDb() {
  let slatedb;
  try {
    slatedb = await import('@slatedb/uniffi');
  } catch (error) {
    const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('@slatedb/uniffi');
    return {
      reason: missing
        ? '@slatedb/uniffi is not installed (npm install --save-dev @slatedb/uniffi)'
        : `@slatedb/uniffi did not load: ${firstLine(error)}`,
    };
  }
  let version = 'unknown';
  try {
    version = createRequire(import.meta.url)('@slatedb/uniffi/package.json').version;
  } catch {
    // the package does not export package.json; read it from disk
    try {
      const { readFile } = await import('node:fs/promises');
      const url = new URL('../../node_modules/@slatedb/uniffi/package.json', import.meta.url);
      version = JSON.parse(await readFile(url, 'utf8')).version;
    } catch {
      // version stays unknown
    }
  }
  // A smoke test: the native library must load and a database must open on this platform.
  let store;
  let db;
  try {
    store = slatedb.ObjectStore.resolve('memory:///');
    const builder = new slatedb.DbBuilder('probe', store);
    try {
      db = await builder.build();
    } finally {
      builder.dispose();
    }
    await db.put(new Uint8Array([1]), new Uint8Array([2]));
  } catch (error) {
    return { reason: `@slatedb/uniffi ${version} is installed but its native library does not work here: ${firstLine(error)}` };
  } finally {
    if (db) {
      await db.shutdown().catch(() => undefined);
      db.dispose();
    }
    store?.dispose();
  }
  return { slatedb, version };
}

/**
 * Builds native SlateDB settings: SlateDB defaults, then `overrides` (dotted snake_case paths to JSON
 * values, e.g. `{ flush_interval: '100ms', l0_sst_size_bytes: 4194304 }`).
 */
export function nativeSettings(slatedb, overrides = {}) {
  const settings = slatedb.Settings.default();
  for (const [key, value] of Object.entries(overrides)) settings.set(key, JSON.stringify(value));
  return settings;
}

/**
 * Opens a native database.
 * @param slatedb - the loaded module
 * @param path - database path inside the store
 * @param store - a native `ObjectStore`
 * @param overrides - settings overrides (see {@link nativeSettings})
 */
export async function openNative(slatedb, path, store, overrides = {}) {
  const builder = new slatedb.DbBuilder(path, store);
  try {
    const settings = nativeSettings(slatedb, overrides);
    builder.with_settings(settings);
    settings.dispose();
    return await builder.build();
  } finally {
    builder.dispose();
  }
}

/** Closes a native database and frees its handle. */
export async function closeNative(db) {
  await db.shutdown();
  db.dispose();
}

/**
 * Iterates `[key, value]` pairs of a native scan.
 * @param db - native `Db`
 * @param options - `{ gte, lt, reverse }`
 */
export async function* nativeScan(slatedb, db, { gte, lt, reverse = false } = {}) {
  const range = { start: gte, start_inclusive: true, end: lt, end_inclusive: false };
  const iterator = await db.scan_with_options(range, {
    durability_filter: slatedb.DurabilityLevel.Memory,
    dirty: false,
    read_ahead_bytes: 1,
    cache_blocks: true,
    max_fetch_tasks: 1,
    order: reverse ? slatedb.IterationOrder.Descending : slatedb.IterationOrder.Ascending,
  });
  try {
    for (;;) {
      const entry = await iterator.next();
      if (entry === undefined) return;
      yield [entry.key, entry.value];
    }
  } finally {
    iterator.dispose();
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}
