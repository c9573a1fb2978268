/**
 * An open RocksDB database behind the {@link BackendDatabase} contract.
 *
 * The addon can only create column families while opening, so a write naming a new family closes
 * the handle and opens it again with that family added. Operations wait while that happens;
 * iterations in progress continue after their last fetched key on the new handle (so, unlike
 * anywhere else, writes made during such an iteration may be seen past that point).
 *
 * @module
 */
import type { BackendDatabase, BackendSupports, BatchOperation, IterateOptions } from '../backend.js';
import { BackendClosedError } from '../errors.js';
import { compareBytes } from '../../bytes.js';
import { assertBatch, assertColumnFamilyName, assertKeys, checkIterateOptions } from '../validate-arguments.js';
import type { AddonIterator, RocksLevelHandle } from './rocksdb-addon.js';
import { classifyUseError } from './open-errors.js';

/** Entries fetched per step after the first; the first fetches one, for callers that stop early. */
const FETCH_BATCH = 1000;

/** What {@link RocksDbDatabase} is built from (by {@link RocksDbBackend.open}). */
export interface RocksDbDatabaseParts {
  path: string;
  supports: BackendSupports;
  handle: RocksLevelHandle;
  /** Sync the write-ahead log on every batch. */
  sync: boolean;
  /** Run point reads on the calling thread. */
  synchronousReads: boolean;
  /** Opens the same directory again with these families (the current one is closed by then). */
  reopen(families: string[]): Promise<RocksLevelHandle>;
  /** Releases the in-process lock on the path; called once, by `close()`. */
  release(): void;
}

/** Where one iteration stands, so it can continue on a reopened handle. */
interface IterationState {
  iterator: AddonIterator | undefined;
  generation: number;
  /** The last key fetched; a recreated iterator starts just past it. */
  lastKey: Uint8Array | undefined;
}

/** One open RocksDB database. Bytes are copied in and out. */
export class RocksDbDatabase implements BackendDatabase {
  /** @inheritDoc */
  readonly path: string;
  /** @inheritDoc */
  readonly supports: BackendSupports;
  readonly #sync: boolean;
  readonly #synchronousReads: boolean;
  readonly #reopen: (families: string[]) => Promise<RocksLevelHandle>;
  readonly #release: () => void;
  #handle: RocksLevelHandle;
  /** Counts reopens, so iterators notice that their native iterator is gone. */
  #generation = 0;
  #reopening: Promise<void> | undefined;
  /** Why a reopen failed; every later call rejects with it. */
  #failure: unknown;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * Use {@link RocksDbBackend.open}.
   * @param parts - the open handle and what the database needs around it
   */
  constructor(parts: RocksDbDatabaseParts) {
    this.path = parts.path;
    this.supports = parts.supports;
    this.#handle = parts.handle;
    this.#sync = parts.sync;
    this.#synchronousReads = parts.synchronousReads;
    this.#reopen = parts.reopen;
    this.#release = parts.release;
  }

  /** @inheritDoc */
  async get(cf: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    const [value] = await this.getMany(cf, [key]);
    return value;
  }

  /** @inheritDoc */
  async getMany(cf: string, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.#usableHandle('getMany');
    assertColumnFamilyName(cf);
    assertKeys(keys);
    if (keys.length === 0) return [];
    const values = await this.#withHandle('getMany', async (handle) => {
      const column = familyOf(handle, cf);
      if (column === undefined) return keys.map(() => undefined);
      // Safe only because #withHandle hands out a handle that is open and not being reopened.
      try {
        return this.#synchronousReads
          ? handle._getManySync(keys.map(asBuffer), { column })
          : await handle.getMany(keys.map(asBuffer), { column });
      } catch (error) {
        throw classifyUseError(this.path, 'read', error);
      }
    });
    return values.map((value) => (value === undefined ? undefined : new Uint8Array(value)));
  }

  /** @inheritDoc */
  async write(operations: BatchOperation[]): Promise<void> {
    this.#usableHandle('write');
    assertBatch(operations);
    if (operations.length === 0) return;
    const families = [...new Set(operations.map((operation) => operation.cf))];
    for (;;) {
      await this.#ensureFamilies(families);
      const written = await this.#withHandle('write', async (handle) => {
        // A concurrent reopen may have replaced the handle since the families were ensured.
        if (families.some((cf) => familyOf(handle, cf) === undefined)) return false;
        await handle
          .batch(
            operations.map(({ cf, key, value }) =>
              value === undefined
                ? { type: 'del' as const, key: asBuffer(key), column: familyOf(handle, cf)! }
                : { type: 'put' as const, key: asBuffer(key), value: asBuffer(value), column: familyOf(handle, cf)! },
            ),
            { sync: this.#sync },
          )
          .catch((error: unknown) => {
            throw classifyUseError(this.path, 'write', error);
          });
        return true;
      });
      if (written) return;
    }
  }

  /**
   * @inheritDoc
   * Reads RocksDB's implicit snapshot taken at the first step, fetching up to 1000 entries per
   * step. After `close()`, the next step rejects with `'BACKEND_CLOSED'`.
   */
  iterate(options: IterateOptions): AsyncIterable<[Uint8Array, Uint8Array]> {
    return this.#entries(options);
  }

  async *#entries(options: IterateOptions): AsyncGenerator<[Uint8Array, Uint8Array]> {
    this.#usableHandle('iterate');
    const limit = checkIterateOptions(options);
    const { gte, lt, reverse = false } = options;
    if (limit === 0 || (gte !== undefined && lt !== undefined && compareBytes(gte, lt) >= 0)) return;
    const state: IterationState = { iterator: undefined, generation: this.#generation, lastKey: undefined };
    let cache: [Uint8Array, Uint8Array][] = [];
    let position = 0;
    let taken = 0;
    let fetchSize = 1;
    try {
      while (taken < limit) {
        if (this.#closed) throw new BackendClosedError(this.path, 'iterate');
        if (position === cache.length) {
          cache = await this.#fetch(options, state, Math.min(fetchSize, limit - taken));
          position = 0;
          fetchSize = FETCH_BATCH;
          if (cache.length === 0) return;
        }
        const [key, value] = cache[position++]!;
        // RocksDB's lower bound in reverse is advisory for some iterator kinds: enforce it here.
        if (reverse && gte !== undefined && compareBytes(key, gte) < 0) return;
        taken++;
        yield [new Uint8Array(key), new Uint8Array(value)];
      }
    } finally {
      await state.iterator?.close().catch(() => {});
    }
  }

  async #fetch(options: IterateOptions, state: IterationState, size: number): Promise<[Uint8Array, Uint8Array][]> {
    for (;;) {
      const handle = this.#usableHandle('iterate');
      if (handle === undefined) {
        await this.#reopening?.catch(() => {});
        continue;
      }
      if (state.iterator === undefined || state.generation !== this.#generation) {
        await state.iterator?.close().catch(() => {});
        state.iterator = undefined;
        state.generation = this.#generation;
        const column = familyOf(handle, options.cf);
        const bounds = iteratorBounds(options, state.lastKey);
        if (column === undefined || bounds === undefined) return [];
        state.iterator = handle.iterator({ column, reverse: options.reverse ?? false, ...bounds });
      }
      try {
        const rows = await state.iterator.nextv(size);
        if (rows.length > 0) state.lastKey = rows[rows.length - 1]![0];
        return rows;
      } catch (error) {
        if (this.#closed) throw new BackendClosedError(this.path, 'iterate');
        // Closed under us by a reopen: continue on the new handle.
        if (this.#reopening !== undefined || state.generation !== this.#generation) continue;
        throw classifyUseError(this.path, 'scan', error);
      }
    }
  }

  /** @inheritDoc */
  async listColumnFamilies(): Promise<string[]> {
    return this.#withHandle('listColumnFamilies', async (handle) => Object.keys(handle.columns));
  }

  /**
   * @inheritDoc
   * Waits for a reopen in progress, then closes the addon handle (which closes its iterators).
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    this.#closed = true;
    try {
      await this.#reopening?.catch(() => {});
      if (this.#handle.status !== 'closed') await this.#handle.close();
    } finally {
      this.#release();
    }
  }

  /** The handle to use now; `undefined` while a reopen runs. */
  #usableHandle(operation: string): RocksLevelHandle | undefined {
    if (this.#closed) throw new BackendClosedError(this.path, operation);
    if (this.#failure !== undefined) throw this.#failure;
    return this.#reopening === undefined ? this.#handle : undefined;
  }

  /** Run `use` on the handle, waiting out reopens; `use` starts in the same tick as the check. */
  async #withHandle<T>(operation: string, use: (handle: RocksLevelHandle) => Promise<T> | T): Promise<T> {
    for (;;) {
      const handle = this.#usableHandle(operation);
      if (handle !== undefined) return use(handle);
      await this.#reopening?.catch(() => {});
    }
  }

  async #ensureFamilies(families: string[]): Promise<void> {
    for (;;) {
      const handle = this.#usableHandle('write');
      if (handle === undefined) {
        await this.#reopening?.catch(() => {});
        continue;
      }
      const missing = families.filter((cf) => familyOf(handle, cf) === undefined);
      if (missing.length === 0) return;
      this.#reopening = this.#reopenWith(handle, missing);
      await this.#reopening;
    }
  }

  async #reopenWith(handle: RocksLevelHandle, missing: string[]): Promise<void> {
    try {
      await handle.close();
      this.#handle = await this.#reopen([...Object.keys(handle.columns), ...missing]);
      this.#generation++;
    } catch (error) {
      this.#failure = error;
      throw error;
    } finally {
      this.#reopening = undefined;
    }
  }
}

/** A family's handle, or `undefined` when it is not open (own properties only: names like `toString`). */
function familyOf(handle: RocksLevelHandle, cf: string): object | undefined {
  return Object.hasOwn(handle.columns, cf) ? handle.columns[cf] : undefined;
}

/** A Buffer view of the same bytes (the addon's encoding takes Buffers; nothing is copied here). */
function asBuffer(bytes: Uint8Array): Uint8Array {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The addon iterator bounds for a fresh start, or to continue past `lastKey`.
 * @returns the bounds, or `undefined` when nothing is left between them
 */
function iteratorBounds(
  { gte, lt, reverse }: IterateOptions,
  lastKey: Uint8Array | undefined,
): { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array } | undefined {
  const bounds: { gt?: Uint8Array; gte?: Uint8Array; lt?: Uint8Array } = {};
  if (lastKey !== undefined && !reverse) bounds.gt = asBuffer(lastKey);
  else if (gte !== undefined) bounds.gte = asBuffer(gte);
  const upper = lastKey !== undefined && reverse ? lastKey : lt;
  if (upper !== undefined) bounds.lt = asBuffer(upper);
  const lower = bounds.gt ?? bounds.gte;
  return lower !== undefined && upper !== undefined && compareBytes(lower, upper) >= 0 ? undefined : bounds;
}
