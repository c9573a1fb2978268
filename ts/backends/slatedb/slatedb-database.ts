/**
 * An open SlateDB database behind the {@link BackendDatabase} contract: column families as key
 * prefixes (see `column-family-keys.ts`), one engine write batch per `write()`, bounded scans in
 * both directions inside a family's range, and an exclusive lease checked before every write.
 *
 * @module
 */
import type { SlateDb } from '../../engine/slatedb.js';
import { encodedBatch, type PrefixedOperation } from '../../engine/write-batch.js';
import type { BackendDatabase, BackendSupports, BatchOperation, IterateOptions } from '../backend.js';
import { DEFAULT_CF } from '../backend.js';
import { BackendClosedError } from '../errors.js';
import { compareBytes } from '../../bytes.js';
import { assertBatch, assertKeys, checkIterateOptions } from '../validate-arguments.js';
import {
  checkStoredKeyLength,
  familyFromRegistryKey,
  familyRange,
  registryKey,
  REGISTRY_RANGE,
  storedKey,
  type FamilyRange,
} from './column-family-keys.js';
import type { DatabaseLease } from './database-lease.js';
import { translateEngineError } from './engine-errors.js';

/** What {@link SlateDbDatabase} is built from (by `SlateDbBackend.open`). */
export interface SlateDbDatabaseParts {
  path: string;
  supports: BackendSupports;
  engine: SlateDb;
  /** The exclusive lease on it. */
  lease: DatabaseLease;
  /** The families that exist (read from the registry at open). */
  families: Set<string>;
  /** Whether `write` resolves only once the batch is in object storage. */
  awaitDurable: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Object-store bytes fetched ahead by a scan of a whole column family (no bounds, no limit): such a
 * scan reads every block of the family, so it fetches them in 1 MiB ranges instead of one 4 KiB
 * block per object-store read (a reopened 100 000-key partition on S3: 41 GETs instead of 6 855).
 * Bounded scans (windows, prefixes) keep SlateDB's one block at a time: they touch a few blocks.
 */
export const FULL_SCAN_READ_AHEAD_BYTES = 1 << 20;

/**
 * Reads of a whole-family scan in flight at once: over S3 each 1 MiB read waits a round trip, so
 * four overlap them (measured in docs/benchmarks.md); a local or memory store is unaffected.
 */
export const FULL_SCAN_FETCH_TASKS = 4;

/**
 * How much stored data (keys and values) the block-cache warm-up reads after an open on a remote
 * store: half the engine's default 64 MiB block cache, so warming never evicts itself.
 */
export const WARM_UP_MAX_BYTES = 32 << 20;

/** One open SlateDB database. Bytes are copied in and out. */
export class SlateDbDatabase implements BackendDatabase {
  /** @inheritDoc */
  readonly path: string;
  /** @inheritDoc */
  readonly supports: BackendSupports;
  readonly #engine: SlateDb;
  readonly #lease: DatabaseLease;
  readonly #families: Set<string>;
  readonly #awaitDurable: boolean;
  readonly #ranges = new Map<string, FamilyRange>();
  /** Engine scans in progress, closed before the engine is. */
  readonly #scans = new Set<AsyncIterator<[Uint8Array, Uint8Array]>>();
  #closing: Promise<void> | undefined;
  /** The block-cache warm-up in progress, if any. */
  #warming: Promise<void> | undefined;

  /**
   * Use `SlateDbBackend.open`.
   * @param parts - the engine database, its lease and its families
   */
  constructor(parts: SlateDbDatabaseParts) {
    this.path = parts.path;
    this.supports = parts.supports;
    this.#engine = parts.engine;
    this.#lease = parts.lease;
    this.#families = parts.families;
    this.#families.add(DEFAULT_CF);
    this.#awaitDurable = parts.awaitDurable;
  }

  /**
   * Read the names of the families that exist.
   * @returns the names recorded in the registry
   */
  static async readFamilies(engine: SlateDb): Promise<Set<string>> {
    const families = new Set<string>();
    for await (const [key] of engine.scan({ gte: REGISTRY_RANGE.prefix, lt: REGISTRY_RANGE.end })) {
      const name = familyFromRegistryKey(key);
      if (name !== undefined) families.add(name);
    }
    return families;
  }

  /** @inheritDoc */
  get(cf: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    // No async layers of its own: the engine's promise, mapped (one promise round per read).
    return this.getMany(cf, [key]).then((values) => values[0]);
  }

  /** @inheritDoc */
  getMany(cf: string, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    try {
      this.#assertOpen('getMany');
      const range = this.#range(cf);
      assertKeys(keys);
      if (keys.length === 0) return Promise.resolve([]);
      const stored = keys.map((key) => storedKey(range, key));
      return this.#engine.getMany(stored).catch((error: unknown) => {
        throw this.#translate('getMany', error);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @inheritDoc
   * One engine write batch, so the whole batch (data and changelog offset) is atomic. A family
   * written for the first time is recorded in the registry in the same batch. Resolves once the
   * batch is in object storage when `awaitDurable` is on (the default) and `options.durable` is
   * not `false`; with `durable: false` it resolves once the batch is in memory, and SlateDB writes
   * it to object storage with the next WAL flush (every `flushInterval`, or {@link SlateDbDatabase.sync}).
   * A write refused because the lease is unconfirmed (its renewal failed or was slow) is retried,
   * renewing the lease first, at most `LEASE_UNCONFIRMED_ATTEMPTS` (3) times in all; nothing is
   * written before the lease is confirmed.
   * @throws SlateDBLeaseLostError when the lease was lost; SlateDBFencedError when a newer writer
   *   opened the database; SlateDBLeaseUnconfirmedError when the lease is still unconfirmed after
   *   the last attempt (nothing was written)
   */
  async write(operations: BatchOperation[], options?: { durable?: boolean }): Promise<void> {
    this.#assertOpen('write');
    assertBatch(operations);
    if (operations.length === 0) return;
    const prefixed: PrefixedOperation[] = [];
    const newFamilies = new Set<string>();
    for (const { cf, key, value } of operations) {
      const range = this.#range(cf);
      checkStoredKeyLength(range, key);
      prefixed.push({ keyPrefix: range.prefix, key, value });
      if (!this.#families.has(cf)) newFamilies.add(cf);
    }
    for (const cf of newFamilies) prefixed.push({ keyPrefix: EMPTY, key: registryKey(cf), value: EMPTY });
    const batch = encodedBatch(prefixed);
    await this.#lease.assertHeldRetrying('A write');
    this.#assertOpen('write');
    try {
      // A durable write flushes the WAL at once rather than waiting for the next flushInterval
      // tick: a state flush is one large batch per partition, so there is nothing to group-commit
      // it with, and the commit then costs one object PUT instead of up to a whole interval.
      await this.#engine.write(batch, { awaitDurable: false });
      if (this.#awaitDurable && options?.durable !== false) await this.#engine.flush('wal');
    } catch (error) {
      throw this.#translate('write', error);
    }
    for (const cf of newFamilies) this.#families.add(cf);
  }

  /**
   * @inheritDoc
   * One WAL flush (one object PUT, waited for) when `awaitDurable` is on; nothing otherwise.
   */
  async sync(): Promise<void> {
    this.#assertOpen('sync');
    if (!this.#awaitDurable) return;
    try {
      await this.#engine.flush('wal');
    } catch (error) {
      throw this.#translate('sync', error);
    }
  }

  /**
   * Record families as existing (at open, for `columnFamilies`), in one batch.
   */
  async createFamilies(names: string[]): Promise<void> {
    const missing = [...new Set(names)].filter((name) => !this.#families.has(name));
    if (missing.length === 0) return;
    const batch = encodedBatch(missing.map((name) => ({ keyPrefix: EMPTY, key: registryKey(name), value: EMPTY })));
    await this.#lease.assertHeld();
    try {
      await this.#engine.write(batch);
    } catch (error) {
      throw this.#translate('create column families', error);
    }
    for (const name of missing) this.#families.add(name);
  }

  /**
   * @inheritDoc
   * Scans the family's range (`prefix ‖ gte` up to `prefix ‖ lt`, or the family's end) on a
   * SlateDB snapshot taken at the first step, in pages. A scan of the whole family (no bounds, no
   * limit) fetches {@link FULL_SCAN_READ_AHEAD_BYTES} per object-store read. The lower bound is also checked on every
   * entry in reverse, so a reverse scan can never leave the family.
   */
  iterate(options: IterateOptions): AsyncIterable<[Uint8Array, Uint8Array]> {
    return this.#entries(options);
  }

  async *#entries(options: IterateOptions): AsyncGenerator<[Uint8Array, Uint8Array]> {
    this.#assertOpen('iterate');
    const limit = checkIterateOptions(options);
    const range = this.#range(options.cf);
    const { gte, lt, reverse = false } = options;
    if (limit === 0 || (gte !== undefined && lt !== undefined && compareBytes(gte, lt) >= 0)) return;
    const lower = gte === undefined ? range.prefix : storedKey(range, gte);
    const upper = lt === undefined ? range.end : storedKey(range, lt);
    const prefixLength = range.prefix.length;
    const whole = gte === undefined && lt === undefined && limit === Infinity;
    let scan: AsyncIterator<[Uint8Array, Uint8Array]>;
    try {
      scan = this.#engine
        .scan({
          gte: lower,
          lt: upper,
          reverse,
          ...(limit === Infinity ? {} : { limit }),
          ...(whole ? { readAheadBytes: FULL_SCAN_READ_AHEAD_BYTES, fetchTasks: FULL_SCAN_FETCH_TASKS } : {}),
        })
        [Symbol.asyncIterator]();
    } catch (error) {
      throw this.#translate('iterate', error);
    }
    let finished = false;
    this.#scans.add(scan);
    try {
      for (let taken = 0; taken < limit; taken++) {
        let step: IteratorResult<[Uint8Array, Uint8Array]>;
        try {
          step = await scan.next();
        } catch (error) {
          if (this.#closing !== undefined) throw new BackendClosedError(this.path, 'iterate');
          throw this.#translate('iterate', error);
        }
        if (step.done) {
          finished = true;
          return;
        }
        const [key, value] = step.value;
        if (compareBytes(key, lower) < 0 || compareBytes(key, upper) >= 0) {
          finished = true;
          return;
        }
        yield [key.slice(prefixLength), value.slice()];
        this.#assertOpen('iterate');
      }
    } finally {
      this.#scans.delete(scan);
      if (!finished) await scan.return?.().catch(() => undefined);
    }
  }

  /**
   * Reads the database from the start in the background, with read-ahead, so that its SST blocks
   * land in the block cache: on a remote store each block a point read misses costs a request
   * (10-30 ms on S3), while the warm-up fetches {@link FULL_SCAN_READ_AHEAD_BYTES} per request.
   * Stops after `maxBytes` of keys and values (a partition larger than the cache is only partly
   * warmed), at the end, or when the database closes; a failure only ends it (the reads that need
   * those blocks fetch them themselves and report their own errors). Reads and writes go on
   * meanwhile.
   * @param maxBytes - stored bytes to read at most
   * @returns a promise that settles when the warm-up ends (never rejects)
   */
  warmBlockCache(maxBytes: number = WARM_UP_MAX_BYTES): Promise<void> {
    this.#warming ??= this.#warm(maxBytes);
    return this.#warming;
  }

  async #warm(maxBytes: number): Promise<void> {
    if (this.#closing !== undefined) return;
    let scan: AsyncIterator<[Uint8Array, Uint8Array]> | undefined;
    try {
      // One read in flight: the warm-up is background work, and its byte budget should bound what it
      // fetches (parallel fetches run ahead of the scan by several MiB per SST).
      scan = this.#engine.scan({ readAheadBytes: FULL_SCAN_READ_AHEAD_BYTES })[Symbol.asyncIterator]();
      this.#scans.add(scan);
      let read = 0;
      while (read < maxBytes && this.#closing === undefined) {
        const step = await scan.next();
        if (step.done) return;
        read += step.value[0].length + step.value[1].length;
      }
    } catch {
      // Ends the warm-up only: see above.
    } finally {
      if (scan !== undefined) {
        this.#scans.delete(scan);
        await scan.return?.().catch(() => undefined);
      }
    }
  }

  /** @inheritDoc */
  async listColumnFamilies(): Promise<string[]> {
    this.#assertOpen('listColumnFamilies');
    return [...this.#families];
  }

  /**
   * @inheritDoc
   * Closes the engine (flushing what it buffers), then releases the lease.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    try {
      await Promise.all([...this.#scans].map((scan) => scan.return?.().catch(() => undefined)));
      this.#scans.clear();
      await this.#engine.close();
    } catch (error) {
      // A fenced or lease-less handle has nothing left to flush that may still be written.
      const translated = translateEngineError(this.path, 'close', error);
      if (!(translated instanceof BackendClosedError) && (error as { code?: unknown })?.code !== 'FENCED') throw translated;
    } finally {
      await this.#lease.release();
    }
  }

  #range(cf: string): FamilyRange {
    let range = this.#ranges.get(cf);
    if (range === undefined) {
      range = familyRange(cf);
      this.#ranges.set(cf, range);
    }
    return range;
  }

  #translate(operation: string, error: unknown): unknown {
    if (this.#closing !== undefined) return new BackendClosedError(this.path, operation);
    return translateEngineError(this.path, operation, error);
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new BackendClosedError(this.path, operation);
  }
}
