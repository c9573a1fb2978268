/**
 * `PartitionTransaction`: a unit of work against one store partition. Writes go to a
 * per-transaction cache (read-your-writes); `prepare()` produces them to the changelog; `flush()`
 * writes them, with the changelog offset, in one atomic backend batch.
 *
 * Extending it (windowed and timestamped transactions do): the protected members are the building
 * blocks — {@link PartitionTransaction.serializeKey} (override to change the key layout),
 * {@link PartitionTransaction.readBytes} / {@link PartitionTransaction.writeBytes} /
 * {@link PartitionTransaction.deleteBytes} (cache + database by serialized key, any column family),
 * {@link PartitionTransaction.getItems} and {@link PartitionTransaction.getRange} (range reads over
 * cache + database), {@link PartitionTransaction.nextCounter} (the global counter),
 * {@link PartitionTransaction.beforePrepare} (prepare-time work), {@link PartitionTransaction.cache}
 * and {@link PartitionTransaction.assertStatus}.
 *
 * @module
 */
import { DEFAULT_CF } from '../backends/backend.js';
import type { ChangelogHeaders } from './changelog.js';
import { bytesToKeyString, utf8Encode } from './bytes.js';
import {
  CHANGELOG_CF_MESSAGE_HEADER,
  CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER,
  DEFAULT_PREFIX,
  GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY,
  LOCAL_ONLY_CFS,
} from './constants.js';
import { InvalidChangelogOffset, StateArgumentError, StateSerializationError, StateTransactionError } from './errors.js';
import { appendInteger } from './integers.js';
import { jsonDumps } from './json.js';
import { assertColumnFamilyName } from './names.js';
import { checkOffset } from './offsets.js';
import type { StorePartition } from './partition.js';
import { deserializeValue, dumps as defaultDumps, serializeKey, serializePrefix, serializeValue } from './serialization.js';
import { TransactionState, type State } from './state.js';
import { Marker, PartitionTransactionCache } from './transaction-cache.js';
import { PartitionTransactionStatus, statusName } from './transaction-status.js';


/** Source offsets processed by the checkpoint, by topic (`{topic: lastProcessedOffset}`). */
export type ProcessedOffsets = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

/** Options of {@link PartitionTransaction.getRange} and {@link PartitionTransaction.getItems}. */
export interface RangeReadOptions {
  /** Column family; default `'default'`. */
  cfName?: string;
  /** Descending key order when true. */
  backwards?: boolean;
}

const { STARTED, PREPARED, COMPLETE, FAILED } = PartitionTransactionStatus;

/** A unit of work against one store partition; see the module documentation. */
export class PartitionTransaction {
  /** The partition this transaction reads and writes. */
  readonly partition: StorePartition;
  /** The updates and deletes of this transaction. */
  protected readonly cache = new PartitionTransactionCache();
  #status: PartitionTransactionStatus = STARTED;
  // Set while prepare() produces or flush() writes: the cache must not change under them.
  #busyWith: 'prepare' | 'flush' | undefined;
  #counter: number | undefined;

  /**
   * Use `partition.begin()` (or `store.startPartitionTransaction(n)`).
   */
  constructor(partition: StorePartition) {
    this.partition = partition;
  }

  /** The current status. */
  get status(): PartitionTransactionStatus {
    return this.#status;
  }

  /** True when FAILED. */
  get failed(): boolean {
    return this.#status === FAILED;
  }

  /** True when COMPLETE. */
  get completed(): boolean {
    return this.#status === COMPLETE;
  }

  /** True when PREPARED (and not yet flushed). */
  get prepared(): boolean {
    return this.#status === PREPARED;
  }

  /** `[changelogName, partition]` when the partition has a changelog producer, else `undefined`. */
  get changelogTopicPartition(): [string, number] | undefined {
    const producer = this.partition.changelogProducer;
    return producer === undefined ? undefined : [producer.changelogName, producer.partition];
  }

  /**
   * Read a value: this transaction's writes first, then the database.
   * @param key - bytes (used as is) or a value to serialize
   * @param defaultValue - returned when the key is missing (not when it holds `null`)
   * @param cfName - column family; default `'default'`
   * @returns the value, or `defaultValue`
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the key or the stored value cannot be (de)serialized
   *   (the status does not change)
   *
   * Typed like `State.get`: `Promise<T>` with a default, `Promise<T | undefined>` without.
   */
  get<T = unknown>(key: unknown, prefix: Uint8Array, defaultValue?: undefined, cfName?: string): Promise<T | undefined>;
  get<T>(key: unknown, prefix: Uint8Array, defaultValue: T, cfName?: string): Promise<T>;
  async get<T>(key: unknown, prefix: Uint8Array, defaultValue?: T, cfName: string = DEFAULT_CF): Promise<T | undefined> {
    this.assertStatus('get', STARTED);
    checkPrefix(prefix);
    assertColumnFamilyName(cfName);
    const bytes = await this.readBytes(this.serializeKey(key, prefix), prefix, cfName);
    return bytes === undefined ? defaultValue : (deserializeValue(bytes, this.partition.loads) as T);
  }

  /**
   * Read many values at once; keys not in the cache are read in one database round trip.
   * @param defaultValue - returned for each missing key
   * @param cfName - column family; default `'default'`
   * @returns values aligned with `keys`
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when a key or stored value cannot be (de)serialized
   */
  getMany<T = unknown>(keys: readonly unknown[], prefix: Uint8Array, defaultValue?: undefined, cfName?: string): Promise<(T | undefined)[]>;
  getMany<T>(keys: readonly unknown[], prefix: Uint8Array, defaultValue: T, cfName?: string): Promise<T[]>;
  async getMany<T>(
    keys: readonly unknown[],
    prefix: Uint8Array,
    defaultValue?: T,
    cfName: string = DEFAULT_CF,
  ): Promise<(T | undefined)[]> {
    this.assertStatus('getMany', STARTED);
    if (!Array.isArray(keys)) {
      throw new StateArgumentError(`getMany() takes an array of keys, such as ['a', 'b']; got ${describeValue(keys)}.`);
    }
    checkPrefix(prefix);
    assertColumnFamilyName(cfName);
    const serialized = keys.map((key) => this.serializeKey(key, prefix));
    const found: (Uint8Array | undefined)[] = new Array(keys.length);
    const missing: number[] = [];
    serialized.forEach((key, index) => {
      const cached = this.cache.get(key, prefix, cfName);
      if (cached === Marker.UNDEFINED) missing.push(index);
      else found[index] = cached === Marker.DELETED ? undefined : cached;
    });
    if (missing.length > 0) {
      const stored = await this.partition.getMany(missing.map((index) => serialized[index]!), cfName);
      missing.forEach((index, at) => (found[index] = stored[at]));
    }
    return found.map((bytes) => (bytes === undefined ? defaultValue : (deserializeValue(bytes, this.partition.loads) as T)));
  }

  /**
   * Read the stored bytes of a key.
   * @param key - bytes or a value to serialize
   * @param defaultValue - returned when the key is missing
   * @param cfName - column family; default `'default'`
   * @returns a copy of the bytes, or `defaultValue`
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the key cannot be serialized
   */
  getBytes(key: unknown, prefix: Uint8Array, defaultValue?: undefined, cfName?: string): Promise<Uint8Array | undefined>;
  getBytes(key: unknown, prefix: Uint8Array, defaultValue: Uint8Array, cfName?: string): Promise<Uint8Array>;
  async getBytes(key: unknown, prefix: Uint8Array, defaultValue?: Uint8Array, cfName: string = DEFAULT_CF): Promise<Uint8Array | undefined> {
    this.assertStatus('getBytes', STARTED);
    checkPrefix(prefix);
    assertColumnFamilyName(cfName);
    const bytes = await this.readBytes(this.serializeKey(key, prefix), prefix, cfName);
    return bytes === undefined ? defaultValue : bytes.slice();
  }

  /**
   * @param key - bytes or a value to serialize
   * @param cfName - column family; default `'default'`
   * @returns whether the key holds a value (a stored `null` or empty value counts)
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the key cannot be serialized
   */
  async exists(key: unknown, prefix: Uint8Array, cfName: string = DEFAULT_CF): Promise<boolean> {
    this.assertStatus('exists', STARTED);
    checkPrefix(prefix);
    assertColumnFamilyName(cfName);
    const serialized = this.serializeKey(key, prefix);
    const cached = this.cache.get(serialized, prefix, cfName);
    if (cached === Marker.DELETED) return false;
    if (cached !== Marker.UNDEFINED) return true;
    return this.partition.exists(serialized, cfName);
  }

  /**
   * Write a value into the transaction.
   * @param key - bytes or a value to serialize
   * @param value - a value the store's `dumps` can serialize
   * @param cfName - column family; default `'default'`
   * @throws StateTransactionError unless STARTED (the status does not change)
   * @throws StateSerializationError when the key or value cannot be serialized; the transaction
   *   becomes FAILED (its writes will not be flushed)
   */
  set(key: unknown, value: unknown, prefix: Uint8Array, cfName: string = DEFAULT_CF): void {
    this.assertStatus('set', STARTED);
    checkPrefix(prefix);
    checkWritableColumnFamily(cfName);
    this.failOnError(() => {
      const bytes = serializeValue(value, this.partition.dumps);
      this.cache.set(this.#ownedKey(key, prefix), this.partition.dumps === defaultDumps ? bytes : bytes.slice(), prefix, cfName);
    });
  }

  /**
   * Write bytes verbatim into the transaction (an empty array is a value, not a delete).
   * @param key - bytes or a value to serialize
   * @param value - the bytes (copied)
   * @param cfName - column family; default `'default'`
   * @throws StateTransactionError unless STARTED (the status does not change)
   * @throws StateSerializationError when `value` is not a `Uint8Array` or the key cannot be
   *   serialized; the transaction becomes FAILED
   */
  setBytes(key: unknown, value: Uint8Array, prefix: Uint8Array, cfName: string = DEFAULT_CF): void {
    this.assertStatus('setBytes', STARTED);
    checkPrefix(prefix);
    checkWritableColumnFamily(cfName);
    this.failOnError(() => {
      if (!(value instanceof Uint8Array)) {
        throw new StateSerializationError(`Value must be bytes: setBytes() takes a Uint8Array, got ${typeof value}. Use set() for other values.`);
      }
      this.cache.set(this.#ownedKey(key, prefix), value.slice(), prefix, cfName);
    });
  }

  /**
   * Delete a key in the transaction (a missing key is fine; it is still deleted at flush and
   * produced as a tombstone).
   * @param key - bytes or a value to serialize
   * @param cfName - column family; default `'default'`
   * @throws StateTransactionError unless STARTED (the status does not change)
   * @throws StateSerializationError when the key cannot be serialized; the transaction becomes FAILED
   */
  delete(key: unknown, prefix: Uint8Array, cfName: string = DEFAULT_CF): void {
    this.assertStatus('delete', STARTED);
    checkPrefix(prefix);
    checkWritableColumnFamily(cfName);
    this.failOnError(() => this.cache.delete(this.#ownedKey(key, prefix), prefix, cfName));
  }

  /**
   * A {@link State} view bound to one prefix.
   * @param prefix - bytes (used as is) or a value serialized with the store's `dumps` (e.g. the
   *   message key); omitted or empty: no prefix
   * @returns the view
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the prefix cannot be serialized
   */
  asState(prefix?: unknown): State {
    this.assertStatus('asState', STARTED);
    return new TransactionState(this, serializePrefix(prefix, this.partition.dumps));
  }

  /**
   * Produce this transaction's changes to the changelog (when the partition has a producer) and
   * move to PREPARED. Runs {@link PartitionTransaction.beforePrepare} first.
   * @param processedOffsets - source offsets processed so far (`{topic: offset}`), carried in every
   *   message's `__processed_tp_offsets__` header (JSON; `null` when omitted)
   * @throws StateTransactionError unless STARTED
   * @throws anything the hook or the producer throws; the transaction becomes FAILED
   *
   * A deliberate decision, unlike Quix: a failure in {@link PartitionTransaction.beforePrepare}
   * (the timestamped store's expiry) also makes the transaction FAILED, not just the producer's, so
   * nothing half-prepared can be flushed afterwards.
   */
  async prepare(processedOffsets?: ProcessedOffsets): Promise<void> {
    this.assertStatus('prepare', STARTED);
    const headerOffsets = encodeProcessedOffsets(processedOffsets);
    try {
      await this.beforePrepare(processedOffsets);
      if (this.#counter !== undefined) this.set(GLOBAL_COUNTER_KEY, this.#counter, DEFAULT_PREFIX, GLOBAL_COUNTER_CF_NAME);
      this.#busyWith = 'prepare';
      await this.#produceChangelog(headerOffsets);
      this.#status = PREPARED;
    } catch (error) {
      this.#status = FAILED;
      throw error;
    } finally {
      this.#busyWith = undefined;
    }
  }

  /**
   * Write the changes, and the changelog offset, in one atomic batch; then COMPLETE. With no
   * changes nothing is written (not even the offset).
   * @param changelogOffset - offset of the last changelog message delivered for this partition,
   *   stored in `__metadata__`; omit when there is no changelog
   * @throws StateTransactionError unless STARTED or PREPARED
   * @throws StateArgumentError when the offset is not a non-negative safe integer (nothing changes)
   * @throws InvalidChangelogOffset when the offset is lower than the stored one; the transaction
   *   becomes FAILED and nothing is written
   * @throws the backend's write error; the transaction becomes FAILED
   */
  async flush(changelogOffset?: number | null): Promise<void> {
    this.assertStatus('flush', STARTED, PREPARED);
    const offset = changelogOffset ?? undefined;
    if (offset !== undefined) checkOffset(offset, 'changelogOffset');
    this.#busyWith = 'flush';
    try {
      if (!this.cache.isEmpty()) {
        if (offset !== undefined) {
          const stored = await this.partition.getChangelogOffset();
          if (stored !== undefined && offset < stored) {
            throw new InvalidChangelogOffset(
              `Cannot set changelog offset lower than already saved one: ${offset} < ${stored} (${this.partition.describe()}). Pass the offset of the last message delivered to this partition's changelog.`,
            );
          }
        }
        await this.partition.write(this.cache, offset);
      }
      this.#status = COMPLETE;
    } catch (error) {
      this.#status = FAILED;
      throw error;
    } finally {
      this.#busyWith = undefined;
    }
  }

  /**
   * Prepare-time work of subclasses (timestamped expiry, TTL): runs at the start of `prepare()`,
   * while the transaction is still STARTED, so it may read and write. An error fails the transaction.
   * @param processedOffsets - as passed to `prepare()`
   */
  protected async beforePrepare(processedOffsets: ProcessedOffsets | undefined): Promise<void> {
    void processedOffsets;
  }

  /**
   * The stored form of a key under a prefix; override to change the key layout.
   * @throws StateSerializationError when the key cannot be serialized
   */
  protected serializeKey(key: unknown, prefix: Uint8Array): Uint8Array {
    return serializeKey(key, prefix, this.partition.dumps);
  }

  /**
   * The serialized key as an array only the cache holds: the caller's own bytes key (under the
   * empty prefix) is copied. The cache owns every key and value it holds (values from a `dumps`
   * other than the default, which may hand out an array it keeps, are copied in `set`), so the
   * partition's batch is written without the backend checking or copying it again.
   */
  #ownedKey(key: unknown, prefix: Uint8Array): Uint8Array {
    const serialized = this.serializeKey(key, prefix);
    return serialized === key ? serialized.slice() : serialized;
  }

  /**
   * Read a serialized key through the cache: `undefined` when deleted here or missing.
   * @param prefix - the prefix bucket to look in
   * @returns the bytes (the cache's own array: do not change it), or `undefined`
   */
  protected async readBytes(key: Uint8Array, prefix: Uint8Array, cfName: string): Promise<Uint8Array | undefined> {
    const cached = this.cache.get(key, prefix, cfName);
    if (cached === Marker.DELETED) return undefined;
    if (cached !== Marker.UNDEFINED) return cached;
    return this.partition.get(key, cfName);
  }

  /**
   * Cache an update by serialized key, in any column family (local-only ones included); the
   * transaction becomes FAILED if it throws. Checks the status.
   * @param value - bytes to store (kept: pass a copy you will not change)
   * @param prefix - the prefix bucket
   */
  protected writeBytes(key: Uint8Array, value: Uint8Array, prefix: Uint8Array, cfName: string): void {
    this.assertStatus('set', STARTED);
    this.failOnError(() => this.cache.set(key, value, prefix, cfName));
  }

  /**
   * Cache a delete by serialized key, in any column family. Checks the status.
   * @param prefix - the prefix bucket
   */
  protected deleteBytes(key: Uint8Array, prefix: Uint8Array, cfName: string): void {
    this.assertStatus('delete', STARTED);
    this.failOnError(() => this.cache.delete(key, prefix, cfName));
  }

  /**
   * Entries whose leading integer after the prefix is in `[max(start, 0), end)`:
   * keys in `[bound(prefix, start), bound(prefix, end))`, from the database and from this prefix's
   * cache bucket (the cache wins), minus keys deleted here, in key order.
   * @param start - inclusive lower integer (clamped at 0)
   * @param end - exclusive upper integer
   * @param options - column family and direction
   * @returns `[key, value]` pairs
   * @throws StateTransactionError unless STARTED
   */
  protected async getItems(
    start: number,
    end: number,
    prefix: Uint8Array,
    options: RangeReadOptions = {},
  ): Promise<[Uint8Array, Uint8Array][]> {
    this.assertStatus('getItems', STARTED);
    const from = Math.max(start, 0);
    if (from >= end) return [];
    return this.getRange(this.itemsBound(prefix, from), this.itemsBound(prefix, end), { ...options, prefix });
  }

  /**
   * The key bound {@link PartitionTransaction.getItems} builds for an integer:
   * `prefix ‖ SEP ‖ u64(n)`. Override where keys of an empty prefix carry no separator.
   */
  protected itemsBound(prefix: Uint8Array, n: number): Uint8Array {
    return appendInteger(prefix, n);
  }

  /**
   * Entries with `lower <= key < upper` over database and cache (the cache wins), minus keys
   * deleted here, in key order (descending when `backwards`).
   * @param lower - inclusive lower key
   * @param upper - exclusive upper key
   * @param options - column family, direction, and `prefix`: consult only that prefix's cache
   *   bucket (all buckets of the family when omitted)
   * @returns `[key, value]` pairs (values may be the cache's own arrays: do not change them)
   * @throws StateTransactionError unless STARTED
   */
  protected async getRange(
    lower: Uint8Array,
    upper: Uint8Array,
    options: RangeReadOptions & { prefix?: Uint8Array } = {},
  ): Promise<[Uint8Array, Uint8Array][]> {
    this.assertStatus('getRange', STARTED);
    const cfName = options.cfName ?? DEFAULT_CF;
    const lowerString = bytesToKeyString(lower);
    const upperString = bytesToKeyString(upper);
    if (lowerString >= upperString) return [];
    const merged = new Map<string, [Uint8Array, Uint8Array]>();
    for await (const [key, value] of this.partition.iterItems(lower, upper, { cfName })) {
      merged.set(bytesToKeyString(key), [key, value]);
    }
    const buckets = options.prefix === undefined ? this.cache.getUpdates(cfName) : [this.cache.getBucket(cfName, options.prefix)];
    for (const bucket of buckets) {
      for (const [keyString, entry] of bucket?.entries ?? []) {
        if (keyString >= lowerString && keyString < upperString) merged.set(keyString, [entry.key, entry.value]);
      }
    }
    for (const keyString of this.cache.getDeletes(cfName).keys()) merged.delete(keyString);
    const order = [...merged.keys()].sort();
    if (options.backwards) order.reverse();
    return order.map((keyString) => merged.get(keyString)!);
  }

  /**
   * The next value of the partition's global counter: `0` first, then one more each
   * call; read once per transaction from `__global-counter__` and persisted by `prepare()` (a
   * `flush()` without `prepare()` loses the increments).
   * @throws StateTransactionError unless STARTED
   */
  protected async nextCounter(): Promise<number> {
    this.assertStatus('nextCounter', STARTED);
    if (this.#counter === undefined) {
      this.#counter = await this.get<number>(GLOBAL_COUNTER_KEY, DEFAULT_PREFIX, -1, GLOBAL_COUNTER_CF_NAME);
    }
    this.#counter += 1;
    return this.#counter;
  }

  /**
   * Throw unless the status is one of `allowed` and no prepare/flush is in progress.
   * @throws StateTransactionError otherwise (the status does not change)
   */
  protected assertStatus(operation: string, ...allowed: PartitionTransactionStatus[]): void {
    if (this.#busyWith !== undefined) {
      throw new StateTransactionError(
        `Cannot ${operation}() while ${this.#busyWith}() is in progress on this transaction (${this.partition.describe()}); await it first.`,
      );
    }
    if (!allowed.includes(this.#status)) {
      throw new StateTransactionError(
        `Invalid transaction status ${statusName(this.#status)}, allowed: (${allowed.map(statusName).join(', ')}): cannot ${operation}() (${this.partition.describe()}). ${nextStep(this.#status)}`,
      );
    }
  }

  /**
   * Run a write step; if it throws, the transaction becomes FAILED and the error is rethrown.
   */
  protected failOnError(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#status = FAILED;
      throw error;
    }
  }

  async #produceChangelog(headerOffsets: Uint8Array): Promise<void> {
    const producer = this.partition.changelogProducer;
    if (producer === undefined) return;
    let lastCf = '';
    let headers: ChangelogHeaders | undefined;
    for (const { cf, key, value } of this.cache.operations()) {
      if (LOCAL_ONLY_CFS.has(cf)) continue;
      if (headers === undefined || cf !== lastCf) {
        headers = { [CHANGELOG_CF_MESSAGE_HEADER]: utf8Encode(cf), [CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER]: headerOffsets };
        lastCf = cf;
      }
      await producer.produce(key, value ?? null, headers);
    }
  }
}

function nextStep(status: PartitionTransactionStatus): string {
  switch (status) {
    case FAILED:
      return 'The transaction failed earlier and its changes are discarded; start a new transaction.';
    case COMPLETE:
      return 'The transaction is already flushed; start a new transaction.';
    case PREPARED:
      return 'The transaction is prepared; only flush() is allowed now.';
    default:
      return 'Start a new transaction.';
  }
}

function checkPrefix(prefix: unknown): asserts prefix is Uint8Array {
  if (!(prefix instanceof Uint8Array)) {
    throw new StateArgumentError(
      `The prefix must be bytes (a Uint8Array), got ${typeof prefix}. Use asState(prefix) to have a non-bytes prefix serialized.`,
    );
  }
}

function checkWritableColumnFamily(cfName: string): void {
  assertColumnFamilyName(cfName);
  if (LOCAL_ONLY_CFS.has(cfName)) {
    throw new StateArgumentError(
      `The column family "${cfName}" holds the partition's own bookkeeping (changelog offset, TTL) and cannot be written through a transaction; use another column family.`,
    );
  }
}

function encodeProcessedOffsets(processedOffsets: ProcessedOffsets | undefined): Uint8Array {
  if (processedOffsets === undefined || processedOffsets === null) return jsonDumps(null);
  const isRecord = typeof processedOffsets === 'object' && !Array.isArray(processedOffsets) && !ArrayBuffer.isView(processedOffsets);
  if (!isRecord) {
    throw new StateArgumentError(
      `processedOffsets must be an object (or a Map) of {topic: offset}, such as { orders: 1234 }, or omitted; got ${describeValue(processedOffsets)}.`,
    );
  }
  const record = processedOffsets instanceof Map ? Object.fromEntries(processedOffsets) : processedOffsets;
  for (const [topic, offset] of Object.entries(record as Record<string, unknown>)) {
    if (topic === '' || !Number.isSafeInteger(offset)) {
      throw new StateArgumentError(
        `processedOffsets must map topic names to integer offsets, such as { orders: 1234 }; ${topic === '' ? 'a topic name is empty' : `the offset of "${topic}" is ${describeValue(offset)}`}.`,
      );
    }
  }
  try {
    return jsonDumps(record);
  } catch (cause) {
    throw new StateArgumentError(
      `processedOffsets must be an object of {topic: offset}; it could not be encoded: ${(cause as Error).message}.`,
    );
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `${typeof value} ${String(value)}`;
}
