import { assertObjectStore, type ObjectStore } from '../object-stores/object-store.js';
import { SlateDbError, toSlateDbError } from './errors.js';
import type { Database as RawDatabase, ScanIterator as RawIterator } from '../../pkg/streamstate_engine.js';
import { getLogger, type Logger } from '../logging.js';
import { loadEngine } from './wasm.js';
import { checkKey, checkValue, WriteBatch } from './write-batch.js';

/**
 * SlateDB settings passed through to the engine. Keys are SlateDB's setting names in snake_case or
 * camelCase (`flush_interval` or `flushInterval`); durations are SlateDB strings (`"100ms"`) or
 * numbers of milliseconds. Unknown keys are rejected. The most useful ones:
 * - `flushInterval` (default 100 ms): how often the WAL is written to object storage.
 * - `l0SstSizeBytes` (wasm default 4 MiB): memtable size at which an L0 SST is written.
 * - `maxUnflushedBytes` (wasm default 64 MiB): writes wait when this much is not yet in L0.
 * - `l0MaxSsts` (default 8): writes wait when L0 holds this many SSTs (the compactor drains it).
 * - `compressionCodec`: `"snappy"`, `"lz4"` or `"zlib"` (any case; pure-Rust codecs; zstd is not
 *   built in, so a database written natively with zstd cannot be read here).
 * - `compactorOptions` (`pollInterval`, `maxConcurrentCompactions`, `worker.maxSstSize`...),
 *   `garbageCollectorOptions`, or `null` to turn either off. The garbage collector runs by
 *   default: every 15 s it deletes WAL SSTs, compacted SSTs, manifests and compaction records
 *   that nothing references and that are older than 30 s (SlateDB's own defaults, 60 s and 5
 *   minutes, let a busy partition hold many times its live data).
 * - `objectStoreMaxRetries` (default 20, at most 1000): retries of an object-store call that failed
 *   with a transient error (SlateDB waits 100 ms, doubling to 1 s, between them: about 17 s in
 *   all); each is logged at warn; then the call fails with `UNAVAILABLE`.
 * - `objectStoreTimeout` (streamstate's own; default 60 000 ms, 100 to 3 600 000): a call the
 *   object store has not answered by then fails as transient, so a stalled store cannot hang a call.
 * - `closeTimeout` (streamstate's own; default 60 000 ms, 100 to 3 600 000): how long `close()`
 *   waits for SlateDB's background tasks; one stuck after it met damaged data is then cut off from
 *   the store and `close()` fails with `INTERNAL`.
 * - `sstBlockSize` (streamstate's own, passed to SlateDB's builder; default 16384, SlateDB's own
 *   is 4096): the size in bytes of the data blocks of the SSTs this database writes: 1024, 2048,
 *   4096, 8192, 16384, 32768 or 65536 (anything else fails with `INVALID_ARGUMENT`). A block is
 *   what one object-store read of SST data fetches and what the block cache holds: larger blocks
 *   mean fewer reads after a reopen (on S3, fewer round trips) and more bytes per read and per
 *   cached block. It applies to SSTs written from then on; SSTs written with any block size read
 *   back whatever it is set to.
 */
export type SlateDbSettings = Record<string, unknown>;

/** Options of {@link SlateDb.open}. */
export interface SlateDbOpenOptions {
  /** Where the database's objects live. */
  objectStore: ObjectStore;
  /** SlateDB settings; see {@link SlateDbSettings}. */
  settings?: SlateDbSettings;
  /**
   * Default for writes: resolve only once the write is in object storage (`true`, the default),
   * or as soon as it is in memory (`false`; faster, and lost on a crash before the next flush).
   */
  awaitDurable?: boolean;
  /**
   * Bytes of SST blocks, indexes and filters kept in memory (an LRU cache), so repeated reads of
   * flushed data do not go back to the object store. Default 64 MiB; `0` turns the cache off.
   */
  cacheBytes?: number;
  /**
   * Where the engine logs: each object-store failure it retries (at warn, with the call, the key
   * and the error). Default: the logger installed with `setLogger`.
   */
  logger?: Logger;
}

/** Per-write options. */
export interface WriteOptions {
  /** Overrides the database's {@link SlateDbOpenOptions.awaitDurable} for this write. */
  awaitDurable?: boolean;
}

/** The fields of {@link SlateDbOpenOptions}; any other is refused. */
const OPEN_OPTIONS = ['objectStore', 'settings', 'awaitDurable', 'cacheBytes', 'logger'] as const;

/** Refuses an `awaitDurable` that is given and not a boolean (`'no'` would otherwise read as true). */
function checkAwaitDurable(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new SlateDbError('INVALID_ARGUMENT', `${name} must be true or false, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
  }
}

/** Checks per-write options: an object whose only field is a boolean `awaitDurable`. */
function checkWriteOptions(options: WriteOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new SlateDbError('INVALID_ARGUMENT', 'write options must be an object such as { awaitDurable: false }');
  }
  const unknown = Object.keys(options).find((name) => name !== 'awaitDurable');
  if (unknown !== undefined) throw new SlateDbError('INVALID_ARGUMENT', `unknown write option "${unknown}"; the only one is awaitDurable`);
  checkAwaitDurable(options.awaitDurable, 'awaitDurable');
}

/** Bounds, order and limit of {@link SlateDb.scan}. Give at most one lower and one upper bound. */
export interface ScanOptions {
  /** Keys greater than or equal to this. */
  gte?: Uint8Array;
  /** Keys greater than this. */
  gt?: Uint8Array;
  /** Keys less than this. */
  lt?: Uint8Array;
  /** Keys less than or equal to this. */
  lte?: Uint8Array;
  /** Descending key order when true. */
  reverse?: boolean;
  /** At most this many entries. */
  limit?: number;
  /**
   * Keep the blocks this scan reads in the block cache (default true: state stores scan the same
   * small ranges again and again). Turn it off for one-off full scans that would evict hot data.
   */
  cacheBlocks?: boolean;
  /**
   * Bytes to fetch ahead per object-store read (default: one block at a time). Raise it (e.g.
   * 262144) for long sequential scans over a remote store.
   */
  readAheadBytes?: number;
  /**
   * How many of those reads may be in flight at once (default 1). Raise it (e.g. 4) with
   * `readAheadBytes` for long scans over a remote store, where each read waits a round trip.
   */
  fetchTasks?: number;
}

/** A summary of the database's current manifest (what is in object storage, and how). */
export interface ManifestSummary {
  /** Manifest version. */
  id: number;
  /** Epoch of the current writer (each open increments it and fences older writers). */
  writerEpoch: number;
  /** Epoch of the current compactor. */
  compactorEpoch: number;
  /** Number of SSTs in level 0 (flushed memtables not yet compacted). */
  l0: number;
  /** Compacted sorted runs. */
  sortedRuns: { id: number; ssts: number; bytes: number }[];
}

const FIRST_PAGE = 16;
const MAX_PAGE = 1024;
const PAGE_BYTES = 1 << 20;


async function engineCall<T>(call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toSlateDbError(err);
  }
}

/**
 * A SlateDB database: an LSM key-value store that keeps its data in an object store, running as
 * WebAssembly. Keys and values are `Uint8Array`s ordered bytewise. Writes go to a WAL flushed to
 * the object store every `flushInterval`; memtables become L0 SSTs; a compactor merges them into
 * sorted runs; all of it runs in the background of this JavaScript process.
 *
 * One writer per database: opening the same path again (here or elsewhere) fences the older
 * handle, whose next write fails with `FENCED`. Calls may be made concurrently.
 *
 * @example
 * ```ts
 * const db = await SlateDb.open('orders/0', { objectStore: new MemoryObjectStore() });
 * await db.put(key, value);
 * for await (const [k, v] of db.scan({ gte: from, lt: to })) { ... }
 * await db.close();
 * ```
 */
export class SlateDb {
  readonly #raw: RawDatabase;
  readonly #awaitDurable: boolean;
  #closed = false;

  private constructor(raw: RawDatabase, awaitDurable: boolean) {
    this.#raw = raw;
    this.#awaitDurable = awaitDurable;
  }

  /**
   * Opens the database at `path` in `options.objectStore`, creating it if absent and replaying
   * its WAL (so everything acknowledged as durable before a crash is back).
   * @param path - the database's key prefix in the store, e.g. `"orders/0"`
   * A failed open leaves nothing running: what the engine had started stops, and touches no
   * object after the open has failed.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad path, settings or object store, an unknown
   *   option, an `awaitDurable` that is not a boolean or a `cacheBytes` that is not a whole,
   *   non-negative number;
   *   `DATA_CORRUPTION` for unreadable stored data (a bad checksum, a truncated object, a damaged
   *   local file, WAL or SSTs without a manifest); `UNAVAILABLE` when the store keeps failing (after
   *   `objectStoreMaxRetries` retries); `INTERNAL` when the store fails with a programming error
   *   (a `ReferenceError` or `SyntaxError`, never retried).
   */
  static async open(path: string, options: SlateDbOpenOptions): Promise<SlateDb> {
    if (typeof path !== 'string' || path.replace(/^\/+|\/+$/g, '') === '') {
      throw new SlateDbError('INVALID_ARGUMENT', 'path must be a non-empty string such as "orders/0"');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new SlateDbError('INVALID_ARGUMENT', 'options must be an object with an objectStore');
    }
    const unknown = Object.keys(options).find((name) => !(OPEN_OPTIONS as readonly string[]).includes(name));
    if (unknown !== undefined) {
      throw new SlateDbError(
        'INVALID_ARGUMENT',
        `unknown option "${unknown}" of SlateDb.open; the options are ${OPEN_OPTIONS.join(', ')} (SlateDB's own settings go in settings)`,
      );
    }
    checkAwaitDurable(options.awaitDurable, 'awaitDurable');
    try {
      assertObjectStore(options.objectStore);
    } catch (err) {
      throw new SlateDbError('INVALID_ARGUMENT', (err as Error).message);
    }
    const settings = options.settings;
    if (settings !== undefined && (settings === null || typeof settings !== 'object' || Array.isArray(settings))) {
      throw new SlateDbError('INVALID_ARGUMENT', 'settings must be an object of SlateDB settings');
    }
    const cacheBytes = options.cacheBytes;
    if (cacheBytes !== undefined && !(Number.isSafeInteger(cacheBytes) && cacheBytes >= 0)) {
      throw new SlateDbError(
        'INVALID_ARGUMENT',
        `cacheBytes must be a whole, non-negative number of bytes (0 turns the cache off), got ${typeof cacheBytes === 'number' ? cacheBytes : typeof cacheBytes}`,
      );
    }
    const logger = options.logger ?? getLogger();
    const engine = await loadEngine();
    const raw = await engineCall(() =>
      engine.Database.open(
        path.replace(/^\/+|\/+$/g, ''),
        options.objectStore,
        settings === undefined ? undefined : JSON.stringify(settings),
        cacheBytes,
        (message: string) => logger.warn(`${message} (SlateDB database "${path}")`),
      ),
    );
    return new SlateDb(raw, options.awaitDurable ?? true);
  }

  #check(): void {
    if (this.#closed) {
      throw new SlateDbError('CLOSED', 'the database is closed; open it again with SlateDb.open()');
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The value stored under `key`, or `undefined`.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key, `CLOSED` after close.
   */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#check();
    checkKey(key);
    return engineCall(() => this.#raw.get(key)) as Promise<Uint8Array | undefined>;
  }

  /**
   * The values of many keys in one call, aligned with `keys` (`undefined` where absent).
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key, `CLOSED` after close.
   */
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    // Not async: the checks throw into a rejected promise, and the engine's promise is mapped once.
    try {
      this.#check();
      if (!Array.isArray(keys)) throw new SlateDbError('INVALID_ARGUMENT', 'keys must be an array of Uint8Array');
      for (let i = 0; i < keys.length; i++) checkKey(keys[i]!, `keys[${i}]`);
      if (keys.length === 0) return Promise.resolve([]);
      return (this.#raw.getMany(keys) as Promise<(Uint8Array | undefined)[]>).then(
        (values) => {
          // Aligned with keys; wasm-bindgen gives null or undefined for an absent key.
          if (values.length !== keys.length) return Array.from({ length: keys.length }, (_, i) => values[i] ?? undefined);
          for (let i = 0; i < keys.length; i++) if (values[i] === null) values[i] = undefined;
          return values;
        },
        (err: unknown) => {
          throw toSlateDbError(err);
        },
      );
    } catch (err) {
      return Promise.reject(err instanceof SlateDbError ? err : toSlateDbError(err));
    }
  }

  /**
   * Stores `value` under `key`.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key or value, `CLOSED`, `FENCED`.
   */
  async put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.#check();
    checkKey(key);
    checkValue(value);
    checkWriteOptions(options);
    await engineCall(() => this.#raw.put(key, value, options?.awaitDurable ?? this.#awaitDurable));
  }

  /**
   * Deletes `key` (succeeds when it is absent).
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key, `CLOSED`, `FENCED`.
   */
  async delete(key: Uint8Array, options?: WriteOptions): Promise<void> {
    this.#check();
    checkKey(key);
    checkWriteOptions(options);
    await engineCall(() => this.#raw.delete(key, options?.awaitDurable ?? this.#awaitDurable));
  }

  /**
   * Applies every operation of `batch` atomically.
   * @throws SlateDbError `INVALID_ARGUMENT` when `batch` is not a {@link WriteBatch}, `CLOSED`, `FENCED`.
   */
  async write(batch: WriteBatch, options?: WriteOptions): Promise<void> {
    this.#check();
    if (!(batch instanceof WriteBatch)) {
      throw new SlateDbError('INVALID_ARGUMENT', 'write() takes a WriteBatch (new WriteBatch().put(k, v))');
    }
    checkWriteOptions(options);
    if (batch.size === 0) return;
    await engineCall(() => this.#raw.write(batch.encode(), options?.awaitDurable ?? this.#awaitDurable));
  }

  /**
   * Iterates `[key, value]` pairs within the bounds, ascending (or descending with `reverse`),
   * fetching pages of entries from the engine. Both bounds are honoured in both directions; a
   * range that can hold no key yields nothing. The scan sees a consistent snapshot.
   * @throws SlateDbError `INVALID_ARGUMENT` for conflicting or non-byte bounds, a bad limit.
   */
  scan(options: ScanOptions = {}): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.#check();
    const { gte, gt, lt, lte, reverse = false, limit, cacheBlocks = true, readAheadBytes, fetchTasks } = options;
    if (gte !== undefined && gt !== undefined) {
      throw new SlateDbError('INVALID_ARGUMENT', 'give at most one lower bound: gte or gt');
    }
    if (lt !== undefined && lte !== undefined) {
      throw new SlateDbError('INVALID_ARGUMENT', 'give at most one upper bound: lt or lte');
    }
    for (const [name, b] of Object.entries({ gte, gt, lt, lte })) {
      if (b !== undefined && !(b instanceof Uint8Array)) {
        throw new SlateDbError('INVALID_ARGUMENT', `scan bound ${name} must be a Uint8Array`);
      }
    }
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new SlateDbError('INVALID_ARGUMENT', 'limit must be a non-negative integer');
    }
    if (readAheadBytes !== undefined && (!Number.isInteger(readAheadBytes) || readAheadBytes < 1 || readAheadBytes > 2 ** 31)) {
      throw new SlateDbError('INVALID_ARGUMENT', 'readAheadBytes must be a positive integer number of bytes');
    }
    if (fetchTasks !== undefined && (!Number.isInteger(fetchTasks) || fetchTasks < 1 || fetchTasks > 64)) {
      throw new SlateDbError('INVALID_ARGUMENT', 'fetchTasks must be an integer from 1 to 64');
    }
    const lower = gte ?? gt;
    const upper = lt ?? lte;
    const openScan = (): Promise<RawIterator> => {
      this.#check();
      return engineCall(() => this.#raw.scan(lower, gt === undefined, upper, lte !== undefined, reverse, cacheBlocks !== false, readAheadBytes, fetchTasks)) as Promise<RawIterator>;
    };
    return { [Symbol.asyncIterator]: () => new PagedScan(openScan, limit ?? Infinity) };
  }

  /**
   * Writes what is buffered to object storage: the WAL (default) or the memtable as an L0 SST.
   * @throws SlateDbError `CLOSED`, `FENCED`, `UNAVAILABLE`.
   */
  async flush(kind: 'wal' | 'memtable' = 'wal'): Promise<void> {
    this.#check();
    await engineCall(() => this.#raw.flush(kind));
  }

  /** A summary of the current manifest: L0 SSTs and compacted sorted runs. */
  manifest(): ManifestSummary {
    this.#check();
    try {
      return JSON.parse(this.#raw.manifest()) as ManifestSummary;
    } catch (err) {
      throw toSlateDbError(err);
    }
  }

  /**
   * Flushes, stops the background tasks and releases the database. Idempotent. Not closing
   * loses nothing acknowledged as durable: the next open replays the WAL.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await engineCall(() => this.#raw.close());
    } finally {
      this.#raw.free();
    }
  }
}

/** Pulls pages from an engine iterator: small first (a scan often needs one entry), then larger. */
class PagedScan implements AsyncIterator<[Uint8Array, Uint8Array]> {
  #open: () => Promise<RawIterator>;
  #iterator: RawIterator | undefined;
  #buffer: [Uint8Array, Uint8Array][] = [];
  #at = 0;
  #pageSize = FIRST_PAGE;
  #remaining: number;
  #done = false;

  constructor(open: () => Promise<RawIterator>, limit: number) {
    this.#open = open;
    this.#remaining = limit;
  }

  async next(): Promise<IteratorResult<[Uint8Array, Uint8Array]>> {
    if (this.#at >= this.#buffer.length) {
      if (this.#done || this.#remaining <= 0) return this.#finish();
      this.#iterator ??= await this.#open();
      const want = Math.min(this.#pageSize, this.#remaining);
      const iterator = this.#iterator;
      // The engine says where the scan ends (the page's flag byte). A page holding fewer entries
      // than asked is not the end: pages are also cut at PAGE_BYTES.
      do {
        const page = (await engineCall(() => iterator.nextPage(want, PAGE_BYTES))) as Uint8Array;
        const { entries, end } = decodePage(page);
        this.#buffer = entries;
        this.#done = end;
      } while (this.#buffer.length === 0 && !this.#done);
      this.#pageSize = Math.min(this.#pageSize * 4, MAX_PAGE);
      this.#at = 0;
      if (this.#buffer.length === 0) return this.#finish();
    }
    this.#remaining -= 1;
    return { value: this.#buffer[this.#at++]!, done: false };
  }

  async return(): Promise<IteratorResult<[Uint8Array, Uint8Array]>> {
    return this.#finish();
  }

  async #finish(): Promise<IteratorResult<[Uint8Array, Uint8Array]>> {
    this.#done = true;
    this.#buffer = [];
    const iterator = this.#iterator;
    this.#iterator = undefined;
    if (iterator) {
      try {
        await iterator.close();
      } finally {
        iterator.free();
      }
    }
    return { value: undefined, done: true };
  }
}

/** First byte of an engine page: more may follow / the scan is finished (engine-rs/src/iterator.rs). */
const PAGE_MORE = 0;
const PAGE_END = 1;

/** Decodes one engine page: its flag byte, then `klen | key | vlen | value` entries. */
function decodePage(page: Uint8Array): { entries: [Uint8Array, Uint8Array][]; end: boolean } {
  const flag = page[0];
  if (page.length === 0 || (flag !== PAGE_MORE && flag !== PAGE_END)) {
    throw new SlateDbError('INTERNAL', `the engine returned a scan page without its end flag (${page.length} bytes); this is a bug, please report it`);
  }
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const entries: [Uint8Array, Uint8Array][] = [];
  let at = 1;
  while (at < page.length) {
    const klen = view.getUint32(at, true);
    const key = page.subarray(at + 4, at + 4 + klen);
    at += 4 + klen;
    const vlen = view.getUint32(at, true);
    const value = page.subarray(at + 4, at + 4 + vlen);
    at += 4 + vlen;
    entries.push([key, value]);
  }
  return { entries, end: flag === PAGE_END };
}
