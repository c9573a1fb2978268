// A streamstate Backend over native SlateDB (@slatedb/uniffi), for the benchmark's reference line
// only: it lets the SAME state-level workloads (StateStoreManager, transactions, windows, recovery)
// run on native SlateDB, so the table separates what the wasm build costs from what SlateDB's
// design costs. Column families are key prefixes exactly as in the wasm backend
// (`__cf::<name>::key`, names escaped, a `__families::<name>` registry key written with a family's
// first write), and a durable write is a non-waiting write followed by a WAL flush, as in the wasm
// backend (skipped for a write with { durable: false }; sync() flushes the WAL). No lease (native SlateDB's own fencing only), no corruption handling: not a product.
import path from 'node:path';
import { closeNative, nativeScan, openNative } from './native-slatedb.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const REGISTRY = encoder.encode('__families::');

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function prefixEnd(prefix) {
  const end = prefix.slice();
  end[end.length - 1] += 1; // prefixes end with ':' (0x3a): no carry
  return end;
}

const escape = (name) => name.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));

class NativeFamily {
  constructor(name) {
    this.prefix = encoder.encode(`__cf::${escape(name)}::`);
    this.end = prefixEnd(this.prefix);
  }
}

class NativeDatabase {
  #slatedb;
  #db;
  #awaitDurable;
  #families = new Map();
  #known;

  constructor(slatedb, db, dbPath, awaitDurable, known) {
    this.#slatedb = slatedb;
    this.#db = db;
    this.path = dbPath;
    this.#awaitDurable = awaitDurable;
    this.#known = known;
    this.supports = Object.freeze({ persistent: true, nativeColumnFamilies: false, multiProcess: true });
  }

  #family(cf) {
    let family = this.#families.get(cf);
    if (family === undefined) this.#families.set(cf, (family = new NativeFamily(cf)));
    return family;
  }

  async get(cf, key) {
    return (await this.#db.get(concat(this.#family(cf).prefix, key))) ?? undefined;
  }

  async getMany(cf, keys) {
    const prefix = this.#family(cf).prefix;
    return Promise.all(keys.map(async (key) => (await this.#db.get(concat(prefix, key))) ?? undefined));
  }

  async write(operations, options) {
    if (operations.length === 0) return;
    const batch = new this.#slatedb.WriteBatch();
    try {
      for (const { cf, key, value } of operations) {
        if (!this.#known.has(cf)) {
          batch.put(concat(REGISTRY, encoder.encode(escape(cf))), new Uint8Array(0));
          this.#known.add(cf);
        }
        const stored = concat(this.#family(cf).prefix, key);
        if (value === undefined) batch.delete(stored);
        else batch.put(stored, value);
      }
      // As the wasm backend does: write without waiting, then force the WAL out when durable
      // (rather than waiting up to a flush_interval for the next tick).
      const handle = await this.#db.write_with_options(batch, { await_durable: false });
      handle?.dispose?.();
      if (this.#awaitDurable && options?.durable !== false) await this.#db.flush_with_options({ flush_type: this.#slatedb.FlushType.Wal });
    } finally {
      batch.dispose();
    }
  }

  // As the wasm backend: the durable point after writes made with { durable: false } (row e).
  async sync() {
    if (this.#awaitDurable) await this.#db.flush_with_options({ flush_type: this.#slatedb.FlushType.Wal });
  }

  async *iterate({ cf, gte, lt, reverse = false, limit = Infinity }) {
    const family = this.#family(cf);
    const lower = gte === undefined ? family.prefix : concat(family.prefix, gte);
    const upper = lt === undefined ? family.end : concat(family.prefix, lt);
    let count = 0;
    if (count >= limit) return;
    for await (const [key, value] of nativeScan(this.#slatedb, this.#db, { gte: lower, lt: upper, reverse })) {
      yield [key.subarray(family.prefix.length), value];
      if (++count >= limit) return;
    }
  }

  async listColumnFamilies() {
    return [...this.#known];
  }

  async close() {
    await closeNative(this.#db);
  }
}

/**
 * A Backend (see ts/backends/backend.ts) storing each database as a native SlateDB database in one
 * native object store. Give it to a StateStoreManager as `backendInstance` (with `backend: 'memory'`,
 * whose store code has no backend-specific behaviour).
 */
export class NativeSlateDbBackend {
  name = 'memory';
  supports = Object.freeze({ persistent: true, nativeColumnFamilies: false, multiProcess: true });
  #slatedb;
  #store;
  #root;
  #awaitDurable;
  #settings;
  #families = new Map();

  /**
   * @param slatedb - the loaded @slatedb/uniffi module
   * @param options - `url` of the object store (`memory:///`, `file:///dir`), `root` that database
   *   paths are made relative to, `awaitDurable` (default true, as the wasm backend), native
   *   `settings` overrides (snake_case)
   */
  constructor(slatedb, { url, root, awaitDurable = true, settings = {} }) {
    this.#slatedb = slatedb;
    this.#store = slatedb.ObjectStore.resolve(url);
    this.#root = root;
    this.#awaitDurable = awaitDurable;
    this.#settings = settings;
  }

  #dbPath(p) {
    return path.relative(this.#root, p).split(path.sep).join('/') || 'db';
  }

  async open(p, options = {}) {
    const db = await openNative(this.#slatedb, this.#dbPath(p), this.#store, this.#settings);
    let known = this.#families.get(p);
    if (known === undefined) {
      known = new Set(['default']);
      // Families written before (a reopen): read the registry.
      for await (const [key] of nativeScan(this.#slatedb, db, { gte: REGISTRY, lt: prefixEnd(REGISTRY) })) {
        known.add(decoder.decode(key.subarray(REGISTRY.length)).replace(/%3A|%25/g, (s) => (s === '%25' ? '%' : ':')));
      }
      this.#families.set(p, known);
    }
    const database = new NativeDatabase(this.#slatedb, db, p, this.#awaitDurable, known);
    const missing = (options.columnFamilies ?? []).filter((cf) => !known.has(cf));
    if (missing.length > 0) {
      const batch = new this.#slatedb.WriteBatch();
      for (const cf of missing) {
        batch.put(concat(REGISTRY, encoder.encode(escape(cf))), new Uint8Array(0));
        known.add(cf);
      }
      (await db.write_with_options(batch, { await_durable: this.#awaitDurable }))?.dispose?.();
      batch.dispose();
    }
    return database;
  }

  async exists(p) {
    return this.#families.has(p);
  }

  async destroy(p) {
    this.#families.delete(p);
  }

  /** Frees the native object store. */
  dispose() {
    this.#store.dispose();
  }
}
