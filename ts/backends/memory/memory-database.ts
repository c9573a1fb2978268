/**
 * An open database of the memory backend: column families of {@link SortedEntries}, read and
 * written through the {@link BackendDatabase} contract.
 *
 * @module
 */
import type { BackendDatabase, BackendSupports, BatchOperation, IterateOptions } from '../backend.js';
import { BackendClosedError } from '../errors.js';
import { lowerBound, SortedEntries } from './sorted-entries.js';
import { assertBatch, assertColumnFamilyName, assertKey, assertKeys, checkIterateOptions } from '../validate-arguments.js';

/** The data of one memory database, which outlives its handles (kept by the backend's registry). */
export interface MemoryDatabaseData {
  /** Column families by name. */
  readonly families: Map<string, SortedEntries>;
}

/** One open handle on a memory database. Bytes are copied in and out. */
export class MemoryDatabase implements BackendDatabase {
  /** @inheritDoc */
  readonly path: string;
  /** @inheritDoc */
  readonly supports: BackendSupports;
  readonly #data: MemoryDatabaseData;
  readonly #onClose: () => void;
  #closed = false;

  /**
   * Use {@link MemoryBackend.open}; this constructor does not lock anything.
   * @param path - the path it is registered under
   * @param onClose - releases the path's lock in the backend's registry
   */
  constructor(path: string, supports: BackendSupports, data: MemoryDatabaseData, onClose: () => void) {
    this.path = path;
    this.supports = supports;
    this.#data = data;
    this.#onClose = onClose;
  }

  /** @inheritDoc */
  async get(cf: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    this.#assertOpen('get');
    assertColumnFamilyName(cf);
    assertKey(key);
    const value = this.#data.families.get(cf)?.get(key);
    return value === undefined ? undefined : value.slice();
  }

  /** @inheritDoc */
  async getMany(cf: string, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.#assertOpen('getMany');
    assertColumnFamilyName(cf);
    assertKeys(keys);
    const family = this.#data.families.get(cf);
    return keys.map((key) => family?.get(key)?.slice());
  }

  /** @inheritDoc */
  async write(operations: BatchOperation[]): Promise<void> {
    this.#assertOpen('write');
    // A batch the state layer marked is already checked and owned by nobody else: kept as is.
    const owned = assertBatch(operations);
    const changesByFamily = new Map<string, [Uint8Array, Uint8Array | undefined][]>();
    for (const { cf, key, value } of operations) {
      let changes = changesByFamily.get(cf);
      if (changes === undefined) changesByFamily.set(cf, (changes = []));
      changes.push(owned ? [key, value] : [key.slice(), value?.slice()]);
    }
    // Everything is checked before the first change and nothing awaits in between: the batch is atomic.
    for (const [cf, changes] of changesByFamily) {
      let family = this.#data.families.get(cf);
      if (family === undefined) {
        family = new SortedEntries();
        this.#data.families.set(cf, family);
      }
      family.apply(changes);
    }
  }

  /**
   * @inheritDoc
   * Reads a snapshot taken when iteration starts (the first `next()`): writes made during the
   * iteration are not seen. After `close()`, the next step rejects with `'BACKEND_CLOSED'`.
   */
  iterate(options: IterateOptions): AsyncIterable<[Uint8Array, Uint8Array]> {
    return this.#entries(options);
  }

  async *#entries(options: IterateOptions): AsyncGenerator<[Uint8Array, Uint8Array]> {
    this.#assertOpen('iterate');
    const limit = checkIterateOptions(options);
    const family = this.#data.families.get(options.cf);
    if (family === undefined || limit === 0) return;
    const { keys, values } = family.snapshot();
    const start = options.gte === undefined ? 0 : lowerBound(keys, options.gte);
    const end = options.lt === undefined ? keys.length : lowerBound(keys, options.lt);
    const count = Math.min(Math.max(end - start, 0), limit);
    for (let step = 0; step < count; step++) {
      const index = options.reverse ? end - 1 - step : start + step;
      yield [keys[index]!.slice(), values[index]!.slice()];
      this.#assertOpen('iterate');
    }
  }

  /** @inheritDoc */
  async listColumnFamilies(): Promise<string[]> {
    this.#assertOpen('listColumnFamilies');
    return [...this.#data.families.keys()];
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new BackendClosedError(this.path, operation);
  }
}
