/**
 * The timestamped transaction: values per prefix and event time, read back as "the latest
 * value at or before a time" or as an interval, with entries older than the grace period deleted
 * at `prepare()`. Joins are built on it (as-of joins without duplicates, interval joins with).
 *
 * Layout: every key of a timestamped store is `P ‖ SEP ‖ K`, the separator present even for the
 * empty prefix; an entry is `P ‖ SEP ‖ u64(timestamp) ‖ SEP ‖ u64(counter)` in `default` (counter
 * 0 without duplicates), the per-prefix minimum eligible timestamp ("watermark") is the raw
 * `u64` under `P ‖ SEP ‖ __min_eligible_timestamps__` in `__min-eligible-timestamps__`.
 *
 * Differences from the reference: the watermark is read from its own column family, so
 * it carries over between transactions (quirk 1); `getInterval` checks the transaction status
 * (quirk 14); the global counter is kept in the cache as soon as it moves.
 *
 * @module
 */
import { DEFAULT_CF } from '../../backends/backend.js';
import { bytesRepr, bytesToKeyString, concatBytes } from '../bytes.js';
import {
  DEFAULT_PREFIX,
  GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY,
  MIN_ELIGIBLE_TIMESTAMPS_CF_NAME,
  MIN_ELIGIBLE_TIMESTAMPS_KEY,
  SEPARATOR,
} from '../constants.js';
import { StateArgumentError, StateSerializationError } from '../errors.js';
import { appendInteger, encodeIntegerPair, intFromBytes, intToBytes } from '../integers.js';
import { deserializeValue, serializeKey, serializePrefix } from '../serialization.js';
import { PartitionTransaction } from '../transaction.js';
import { PartitionTransactionStatus } from '../transaction-status.js';
import type { TimestampedStorePartition } from './timestamped-partition.js';
import { TimestampedTransactionState, type TimestampedState } from './timestamped-state.js';

const { STARTED } = PartitionTransactionStatus;
const SEP = SEPARATOR[0]!;

/** Settings of a timestamped store, carried by its partitions and transactions. */
export interface TimestampedSettings {
  /** How far below the latest timestamp of a prefix entries stay readable and stored, in ms. */
  readonly graceMs: number;
  /** Keep every value set at one timestamp (true) or only the last (false). */
  readonly keepDuplicates: boolean;
}

/** A transaction of a timestamped store; see the module documentation. */
export class TimestampedPartitionTransaction extends PartitionTransaction implements TimestampedSettings {
  /** @inheritDoc */
  readonly graceMs: number;
  /** @inheritDoc */
  readonly keepDuplicates: boolean;
  // Watermarks read or raised in this transaction, by prefix key string.
  readonly #watermarks = new Map<string, number>();

  /**
   * Use `partition.begin()`.
   * @param partition - the timestamped partition
   */
  constructor(partition: TimestampedStorePartition) {
    super(partition);
    this.graceMs = partition.graceMs;
    this.keepDuplicates = partition.keepDuplicates;
  }

  /**
   * A {@link TimestampedState} bound to one prefix.
   * @param prefix - bytes (used as is) or a value serialized with the store's `dumps`; omitted: the
   *   empty prefix (keys still carry the separator)
   * @returns the view
   * @throws StateTransactionError unless STARTED
   */
  override asState(prefix?: unknown): TimestampedState {
    this.assertStatus('asState', STARTED);
    return new TimestampedTransactionState(this, serializePrefix(prefix, this.partition.dumps));
  }

  /**
   * Store a value at an event time, and raise the prefix's watermark to `timestamp - graceMs`.
   * Without duplicates a second value at the same timestamp replaces the first.
   * @param timestamp - event time, ms (not negative)
   * @param value - a serializable value
   * @param prefix - bytes, or a value serialized with `dumps` (`"key"` and the bytes `"key"` in
   *   JSON address the same data)
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when the timestamp is not a non-negative integer
   * @throws StateSerializationError when the value cannot be serialized (the transaction FAILS)
   */
  async setForTimestamp(timestamp: number, value: unknown, prefix: unknown): Promise<void> {
    this.assertStatus('setForTimestamp', STARTED);
    checkTimestamp(timestamp, 'timestamp');
    const prefixBytes = serializePrefix(prefix, this.partition.dumps);
    const counter = this.keepDuplicates ? await this.#nextCounterKept() : 0;
    this.set(encodeIntegerPair(timestamp, counter), value, prefixBytes);
    const watermark = Math.max(await this.#watermark(prefixBytes), timestamp - this.graceMs, 0);
    this.#watermarks.set(bytesToKeyString(prefixBytes), watermark);
    this.setBytes(MIN_ELIGIBLE_TIMESTAMPS_KEY, intToBytes(watermark), prefixBytes, MIN_ELIGIBLE_TIMESTAMPS_CF_NAME);
  }

  /**
   * The value with the greatest `(timestamp, counter)` such that `watermark <= ts <= timestamp`:
   * the latest value at or before `timestamp` that is still within the grace period. This
   * transaction's writes win over stored ones; its deletes hide them. With duplicates the value set
   * last at a timestamp wins.
   * @param timestamp - inclusive upper event time, ms (`-1` finds nothing, as in the spec)
   * @param prefix - bytes, or a value serialized with `dumps`
   * @returns the value, or `undefined` when there is none
   * @throws StateTransactionError unless STARTED
   */
  async getLatest<V = unknown>(timestamp: number, prefix: unknown): Promise<V | undefined> {
    this.assertStatus('getLatest', STARTED);
    // -1 is allowed: its upper bound u64(0) is at or below any watermark, so nothing matches.
    if (timestamp !== -1) checkTimestamp(timestamp, 'timestamp');
    const prefixBytes = serializePrefix(prefix, this.partition.dumps);
    const watermark = await this.#watermark(prefixBytes);
    if (timestamp + 1 <= watermark) return undefined;
    const lower = appendInteger(prefixBytes, watermark);
    const upper = appendInteger(prefixBytes, timestamp + 1);
    const lowerString = bytesToKeyString(lower);
    const upperString = bytesToKeyString(upper);
    let best: { keyString: string; value: Uint8Array } | undefined;
    for (const [keyString, entry] of this.cache.getBucket(DEFAULT_CF, prefixBytes)?.entries ?? []) {
      if (keyString < lowerString || keyString >= upperString || !isEntryKey(entry.key, prefixBytes.length)) continue;
      if (this.cache.isDeleted(entry.key, DEFAULT_CF)) continue;
      if (best === undefined || keyString > best.keyString) best = { keyString, value: entry.value };
    }
    for await (const [key, value] of this.partition.iterItems(lower, upper, { backwards: true })) {
      if (!isEntryKey(key, prefixBytes.length) || this.cache.isDeleted(key, DEFAULT_CF)) continue;
      const keyString = bytesToKeyString(key);
      // On an equal key the cached value is this transaction's newer write.
      if (best === undefined || keyString > best.keyString) best = { keyString, value };
      break;
    }
    return best === undefined ? undefined : (deserializeValue(best.value, this.partition.loads) as V);
  }

  /**
   * Values with `max(start, 0) <= timestamp < end`, ascending by (timestamp, counter), through
   * this transaction's writes and deletes. Not bounded by the watermark.
   * @param start - inclusive lower event time
   * @param end - exclusive upper event time (interval joins pass `timestamp + 1`)
   * @param prefix - bytes, or a value serialized with `dumps`
   * @returns the values
   * @throws StateTransactionError unless STARTED
   */
  async getInterval<V = unknown>(start: number, end: number, prefix: unknown): Promise<V[]> {
    this.assertStatus('getInterval', STARTED);
    checkInteger(start, 'start');
    checkInteger(end, 'end');
    const prefixBytes = serializePrefix(prefix, this.partition.dumps);
    const items = await this.getItems(start, end, prefixBytes);
    return items.filter(([key]) => isEntryKey(key, prefixBytes.length)).map(([, value]) => deserializeValue(value, this.partition.loads) as V);
  }

  /**
   * The watermark of a prefix: entries below it are not read by `getLatest` and are deleted at
   * `prepare()`.
   * @param prefix - bytes, or a value serialized with `dumps`
   * @returns the minimum eligible timestamp (0 when none was set)
   * @throws StateTransactionError unless STARTED
   */
  async getMinEligibleTimestamp(prefix: unknown): Promise<number> {
    this.assertStatus('getMinEligibleTimestamp', STARTED);
    return this.#watermark(serializePrefix(prefix, this.partition.dumps));
  }

  /** Keys are `P ‖ SEP ‖ K` for every prefix, the empty one included. */
  protected override serializeKey(key: unknown, prefix: Uint8Array): Uint8Array {
    return concatBytes(prefix, SEPARATOR, serializeKey(key, DEFAULT_PREFIX, this.partition.dumps));
  }

  /**
   * Expiry: for every prefix written in this transaction, delete the entries below its
   * watermark, cached and stored, so the delete reaches the database and the changelog.
   */
  protected override async beforePrepare(): Promise<void> {
    for (const bucket of [...this.cache.getUpdates(DEFAULT_CF)]) {
      const prefix = bucket.prefix;
      const watermark = await this.#watermark(prefix);
      if (watermark === 0) continue;
      const upper = appendInteger(prefix, watermark);
      const upperString = bytesToKeyString(upper);
      for (const [keyString, entry] of [...bucket.entries]) {
        if (keyString < upperString && isEntryKey(entry.key, prefix.length)) this.deleteBytes(entry.key, prefix, DEFAULT_CF);
      }
      for await (const [key] of this.partition.iterItems(concatBytes(prefix, SEPARATOR), upper)) {
        if (isEntryKey(key, prefix.length)) this.deleteBytes(key, prefix, DEFAULT_CF);
      }
    }
  }

  async #watermark(prefix: Uint8Array): Promise<number> {
    const prefixString = bytesToKeyString(prefix);
    const known = this.#watermarks.get(prefixString);
    if (known !== undefined) return known;
    const stored = await this.readBytes(this.serializeKey(MIN_ELIGIBLE_TIMESTAMPS_KEY, prefix), prefix, MIN_ELIGIBLE_TIMESTAMPS_CF_NAME);
    let watermark = 0;
    if (stored !== undefined) {
      try {
        watermark = intFromBytes(stored);
      } catch (cause) {
        throw new StateSerializationError(
          `The minimum eligible timestamp of prefix ${bytesRepr(prefix)} is ${bytesRepr(stored)}, not an 8-byte integer. The store was written by something else; delete the partition's state and recover it from the changelog.`,
          { cause },
        );
      }
    }
    // A concurrent setForTimestamp may have raised it while the read was in flight.
    if (!this.#watermarks.has(prefixString)) this.#watermarks.set(prefixString, watermark);
    return this.#watermarks.get(prefixString)!;
  }

  async #nextCounterKept(): Promise<number> {
    const counter = await this.nextCounter();
    // Kept in the cache now, not only at prepare(): a flush() without prepare() then cannot hand
    // the same counter out again and overwrite a duplicate.
    this.set(GLOBAL_COUNTER_KEY, counter, DEFAULT_PREFIX, GLOBAL_COUNTER_CF_NAME);
    return counter;
  }
}

/** `P ‖ SEP ‖ u64 ‖ SEP ‖ u64` for a prefix of this length: an entry, not a plain key of the prefix. */
function isEntryKey(key: Uint8Array, prefixLength: number): boolean {
  return key.length === prefixLength + 18 && key[prefixLength] === SEP && key[key.length - 9] === SEP;
}

function checkInteger(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value)) throw new StateArgumentError(`${name} must be an integer number of milliseconds, got ${String(value)}.`);
}

function checkTimestamp(value: unknown, name: string): void {
  checkInteger(value, name);
  if ((value as number) < 0) throw new StateArgumentError(`Timestamp cannot be negative: ${name} is ${String(value)}; event times are milliseconds since the epoch.`);
}
