/**
 * The windowed transaction: a {@link PartitionTransaction} with windows, their expiry
 * and deletion markers, the latest event timestamp per prefix, and collections of raw values.
 *
 * Markers (latest timestamp, last expired start, last deleted start, last deleted collection id)
 * live in their own column families, one key per prefix; each is read from state at most once per
 * transaction and remembered, and every write updates the memory and the cache together.
 *
 * Differences from the reference, each a fixed quirk (docs/state-model.md):
 * - 3: `deleteWindows` records its marker when the last deleted window starts at 0 too;
 * - 4: `expireWindows` and `expireAllWindows` are eager: markers, deletes and results all happen in
 *   the call (no lazy iterator that deletes only when fully consumed);
 * - 5: `expireAllWindows` returns windows in time order and expires every window whose end is on or
 *   below the step grid point, not only windows ending exactly on the grid; a grid point at or below
 *   zero expires nothing and writes nothing;
 * - 6: `addToCollection` returns the id of the value, and the global counter is kept in the cache
 *   as soon as it moves, so a `flush()` without `prepare()` does not hand out a counter twice;
 * - 7: `getLatestTimestamp` (and `getLatestExpired`) answer `undefined` when nothing is known;
 * - 10: `keys(cf)` honours the deletes of the family it lists (its order is the reference's: this
 *   transaction's updates first, then the stored keys);
 * - 14: every method checks the transaction status;
 * - 15: range reads, expiry and collections work for the empty prefix.
 *
 * @module
 */
import { DEFAULT_CF } from '../../backends/backend.js';
import { bytesRepr, bytesToKeyString } from '../bytes.js';
import {
  DEFAULT_PREFIX,
  GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY,
  LATEST_DELETED_VALUE_CF_NAME,
  LATEST_DELETED_VALUE_TIMESTAMP_KEY,
  LATEST_DELETED_WINDOW_CF_NAME,
  LATEST_DELETED_WINDOW_TIMESTAMP_KEY,
  LATEST_EXPIRED_WINDOW_CF_NAME,
  LATEST_EXPIRED_WINDOW_TIMESTAMP_KEY,
  LATEST_TIMESTAMP_KEY,
  LATEST_TIMESTAMPS_CF_NAME,
  VALUES_CF_NAME,
} from '../constants.js';
import { StateArgumentError, StateSerializationError } from '../errors.js';
import { assertColumnFamilyName } from '../names.js';
import { deserializeValue, serializePrefix } from '../serialization.js';
import { PartitionTransaction } from '../transaction.js';
import { PartitionTransactionStatus } from '../transaction-status.js';
import { decodePairKey, encodePairKey, isPairKeyOf, pairKeyBound, parseWindowKey } from './window-keys.js';
import { WindowedTransactionState, type WindowedState } from './windowed-state.js';

const { STARTED } = PartitionTransactionStatus;

/** A window read from state. */
export interface WindowEntry<V = unknown> {
  /** Window start, ms (inclusive). */
  readonly start: number;
  /** Window end, ms (exclusive). */
  readonly end: number;
  /** The stored value (the aggregate). */
  readonly value: V;
  /** The prefix bytes the window belongs to (the message key). */
  readonly prefix: Uint8Array;
}

/** A window returned by expiry. */
export interface ExpiredWindow<V = unknown> extends WindowEntry<V> {
  /** The collection values of the window (`[]` unless `collect` was asked for). */
  readonly collected: unknown[];
}

/** Options of {@link WindowedPartitionTransaction.getWindows}. */
export interface GetWindowsOptions {
  /** Newest first (descending by start, then by end). Default false. */
  backwards?: boolean;
}

/** Options of {@link WindowedPartitionTransaction.expireWindows}. */
export interface ExpireWindowsOptions {
  /** Delete the expired windows (and, with `collect`, their collection values). Default true. */
  delete?: boolean;
  /** Return each window's collection values. Default false. */
  collect?: boolean;
  /** Collect values with id up to and including the window end (sliding windows). Default false. */
  endInclusive?: boolean;
}

/** Options of {@link WindowedPartitionTransaction.expireAllWindows}. */
export interface ExpireAllWindowsOptions {
  /** Delete the expired windows (and, with `collect`, their collection values). Default true. */
  delete?: boolean;
  /** Return each window's collection values. Default false. */
  collect?: boolean;
}

interface MarkerKind {
  readonly cfName: string;
  readonly key: Uint8Array;
}

const LATEST_TIMESTAMP: MarkerKind = { cfName: LATEST_TIMESTAMPS_CF_NAME, key: LATEST_TIMESTAMP_KEY };
const LAST_EXPIRED: MarkerKind = { cfName: LATEST_EXPIRED_WINDOW_CF_NAME, key: LATEST_EXPIRED_WINDOW_TIMESTAMP_KEY };
const LAST_DELETED_WINDOW: MarkerKind = { cfName: LATEST_DELETED_WINDOW_CF_NAME, key: LATEST_DELETED_WINDOW_TIMESTAMP_KEY };
const LAST_DELETED_VALUE: MarkerKind = { cfName: LATEST_DELETED_VALUE_CF_NAME, key: LATEST_DELETED_VALUE_TIMESTAMP_KEY };
// `expireAllWindows` keeps its marker (a grid end) where the reference does: `__expired_start_gt__`
// with the empty prefix, which is also where `expireWindows` keeps the empty prefix's marker (a
// window start). The two meanings must never meet in one store, so `expireWindows` with the empty
// prefix also records this flag (same column family, empty prefix) when it writes its marker. A
// stored marker without the flag was written by `expireAllWindows`. The reference never writes the
// flag (its range reads find nothing for the empty prefix, quirk 15), so normal layouts are unchanged.
const EMPTY_PREFIX_PER_KEY_EXPIRY_KEY = new TextEncoder().encode('__expired_per_key_empty_prefix__');

/** A transaction of a windowed store; see the module documentation. */
export class WindowedPartitionTransaction extends PartitionTransaction {
  // Marker memos: column family -> prefix key string -> value (undefined: read, and absent).
  readonly #markers = new Map<string, Map<string, number | undefined>>();
  // Per prefix: no stored window (not deleted here) starts in (after, next). The database does not
  // change while a transaction is open (only its own flush writes), so this holds until flush.
  readonly #storedGaps = new Map<string, { after: number; next: number }>();
  // Whether the empty-prefix expiry marker belongs to expireWindows (undefined: not read yet).
  #emptyPrefixPerKeyExpiry: boolean | undefined;

  /**
   * A {@link WindowedState} bound to one prefix.
   * @param prefix - bytes (used as is) or a value serialized with the store's `dumps` (the message
   *   key); omitted or empty: no prefix
   * @returns the view
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the prefix cannot be serialized
   */
  override asState(prefix?: unknown): WindowedState {
    this.assertStatus('asState', STARTED);
    return new WindowedTransactionState(this, serializePrefix(prefix, this.partition.dumps));
  }

  /**
   * Read one window.
   * @param endMs - window end (greater than the start)
   * @param defaultValue - returned when the window does not exist
   * @returns the window's value, or `defaultValue`
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when `endMs <= startMs`
   * @throws IntegerEncodingError when a bound is negative
   *
   * Typed like `State.get`: `Promise<V>` with a default, `Promise<V | undefined>` without.
   */
  getWindow<V = unknown>(startMs: number, endMs: number, prefix: Uint8Array, defaultValue?: undefined): Promise<V | undefined>;
  getWindow<V>(startMs: number, endMs: number, prefix: Uint8Array, defaultValue: V): Promise<V>;
  async getWindow<V>(startMs: number, endMs: number, prefix: Uint8Array, defaultValue?: V): Promise<V | undefined> {
    this.assertStatus('getWindow', STARTED);
    checkWindow(startMs, endMs);
    return this.get<V | undefined>(encodePairKey(DEFAULT_PREFIX, startMs, endMs), checkPrefix(prefix), defaultValue);
  }

  /**
   * Write one window and raise the prefix's latest timestamp to `timestampMs` (it never decreases).
   * @param endMs - window end (greater than the start)
   * @param value - the window's value (serialized with the store's `dumps`)
   * @param timestampMs - the event time that updated the window
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when the timestamp is negative or `endMs <= startMs`
   * @throws StateSerializationError when the value cannot be serialized (the transaction FAILS)
   */
  async updateWindow(startMs: number, endMs: number, value: unknown, timestampMs: number, prefix: Uint8Array): Promise<void> {
    this.assertStatus('updateWindow', STARTED);
    checkTimestamp(timestampMs, 'timestampMs');
    checkWindow(startMs, endMs);
    checkPrefix(prefix);
    this.set(encodePairKey(DEFAULT_PREFIX, startMs, endMs), value, prefix);
    const latest = await this.#readMarker(LATEST_TIMESTAMP, prefix);
    this.#writeMarker(LATEST_TIMESTAMP, prefix, Math.max(latest ?? 0, timestampMs));
  }

  /**
   * Delete one window.
   * @param endMs - window end (greater than the start)
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when `endMs <= startMs`
   */
  deleteWindow(startMs: number, endMs: number, prefix: Uint8Array): void {
    this.assertStatus('deleteWindow', STARTED);
    checkWindow(startMs, endMs);
    this.delete(encodePairKey(DEFAULT_PREFIX, startMs, endMs), checkPrefix(prefix));
  }

  /**
   * Windows with `startFromMs < start <= startToMs` (exclusive lower, inclusive upper bound on the
   * start), through this transaction's writes and deletes. Empty when `startToMs <= startFromMs`;
   * negative bounds are clamped (`startFromMs = -1` includes windows starting at 0).
   * @param startFromMs - exclusive lower bound of the start
   * @param startToMs - inclusive upper bound of the start
   * @param options - `backwards`: newest first
   * @returns windows ascending by (start, end), or the exact reverse
   * @throws StateTransactionError unless STARTED
   */
  async getWindows<V = unknown>(
    startFromMs: number,
    startToMs: number,
    prefix: Uint8Array,
    options: GetWindowsOptions = {},
  ): Promise<WindowEntry<V>[]> {
    this.assertStatus('getWindows', STARTED);
    checkInteger(startFromMs, 'startFromMs');
    checkInteger(startToMs, 'startToMs');
    checkPrefix(prefix);
    const items = await this.getItems(startFromMs + 1, startToMs + 1, prefix, { backwards: options.backwards ?? false });
    const windows: WindowEntry<V>[] = [];
    for (const [key, value] of items) {
      if (!isPairKeyOf(key, prefix.length)) continue;
      const [start, end] = decodePairKey(key);
      windows.push({ start, end, value: deserializeValue(value, this.partition.loads) as V, prefix });
    }
    return windows;
  }

  /**
   * Expire the windows of one prefix that start after the last expired start and at or before
   * `maxStartTime`: advance the expiry marker to the last of them, delete them (unless
   * `delete: false`) and, with `collect`, return their collection values and delete the values
   * below the last expired start (values of that window may still belong to overlapping ones).
   * A window is never returned twice; one added later at or below the marker is never expired.
   *
   * The empty prefix's marker shares its key with the partition-wide marker of
   * {@link WindowedPartitionTransaction.expireAllWindows} (the reference's layout), so one store
   * uses either this method with the empty prefix or `expireAllWindows`, never both.
   * @param maxStartTime - the latest start to expire
   * @param options - `delete`, `collect`, `endInclusive`
   * @returns the expired windows in time order (ascending start, then end)
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when a stored marker is not an integer
   * @throws StateArgumentError (code `STATE_INVALID_ARGUMENT`) for the empty prefix on a store
   *   whose windows are expired with `expireAllWindows`
   */
  async expireWindows<V = unknown>(maxStartTime: number, prefix: Uint8Array, options: ExpireWindowsOptions = {}): Promise<ExpiredWindow<V>[]> {
    this.assertStatus('expireWindows', STARTED);
    checkInteger(maxStartTime, 'maxStartTime');
    checkPrefix(prefix);
    const { delete: deleteExpired = true, collect = false, endInclusive = false } = options;
    const lastExpired = await this.#readMarker(LAST_EXPIRED, prefix);
    const emptyPrefix = prefix.length === 0;
    if (emptyPrefix && lastExpired !== undefined && !(await this.#isEmptyPrefixPerKeyExpiry())) {
      throw new StateArgumentError(
        `expireWindows() cannot use the empty prefix on ${this.partition.describe()}: its windows are expired partition-wide with expireAllWindows(), whose marker (a window end) is stored under the same key as the empty prefix's expiry marker (a window start). Use a non-empty prefix (the message key) or keep to expireAllWindows() for this store.`,
      );
    }
    const windows = await this.#expiryCandidates<V>(lastExpired ?? -1, maxStartTime, prefix);
    if (windows.length === 0) return [];
    const lastStart = windows.at(-1)!.start;
    if (emptyPrefix && !this.#emptyPrefixPerKeyExpiry) {
      this.set(EMPTY_PREFIX_PER_KEY_EXPIRY_KEY, true, DEFAULT_PREFIX, LAST_EXPIRED.cfName);
      this.#emptyPrefixPerKeyExpiry = true;
    }
    this.#writeMarker(LAST_EXPIRED, prefix, lastStart);
    const expired: ExpiredWindow<V>[] = [];
    for (const window of windows) {
      const collected = collect ? await this.getFromCollection(window.start, endInclusive ? window.end + 1 : window.end, prefix) : [];
      expired.push({ ...window, collected });
    }
    if (deleteExpired) {
      for (const window of windows) this.deleteWindow(window.start, window.end, prefix);
      if (collect) await this.deleteFromCollection(lastStart, prefix);
    }
    return expired;
  }

  /**
   * Expire windows of every prefix of the partition (closing strategy "partition"): those whose
   * end is above the partition-wide marker and at or below the step grid point
   * `maxEndTime - (maxEndTime mod stepMs)`. Deletes them (unless `delete: false`) and, with
   * `collect`, returns their collection values and deletes each prefix's values below the window
   * start. The marker then holds that grid point (an end, under the key named `__expired_start_gt__`,
   * empty prefix — the reference's layout). Reads every key of the partition's `default` family,
   * but only when the grid point has moved past the marker.
   * @param maxEndTime - the latest end to expire
   * @param stepMs - the window step (the duration for tumbling windows), a positive integer
   * @param options - `delete`, `collect`
   * @returns the expired windows in time order (start, then end, then prefix bytes)
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when `stepMs` is not a positive integer, and (code
   *   `STATE_INVALID_ARGUMENT`) on a store where `expireWindows` was used with the empty prefix
   *   (the two markers share one key; see {@link WindowedPartitionTransaction.expireWindows})
   */
  async expireAllWindows<V = unknown>(maxEndTime: number, stepMs: number, options: ExpireAllWindowsOptions = {}): Promise<ExpiredWindow<V>[]> {
    this.assertStatus('expireAllWindows', STARTED);
    checkInteger(maxEndTime, 'maxEndTime');
    if (!Number.isSafeInteger(stepMs) || stepMs <= 0) {
      throw new StateArgumentError(`stepMs must be a positive integer (the window step, or its duration for tumbling windows), got ${String(stepMs)}.`);
    }
    const { delete: deleteExpired = true, collect = false } = options;
    if (await this.#isEmptyPrefixPerKeyExpiry()) {
      throw new StateArgumentError(
        `expireAllWindows() cannot run on ${this.partition.describe()}: expireWindows() was used with the empty prefix there, and its marker (a window start) is stored under the same key as the partition-wide marker (a window end). Keep to expireWindows() for this store, or expire per key with non-empty prefixes (the message keys) and start the partition-wide expiry on a fresh store.`,
      );
    }
    const lastExpiredEnd = (await this.#readMarker(LAST_EXPIRED, DEFAULT_PREFIX)) ?? 0;
    const gridEnd = maxEndTime - floorMod(maxEndTime, stepMs);
    if (gridEnd <= lastExpiredEnd) return [];
    const windows: WindowEntry<V>[] = [];
    for (const [key, value] of await this.#scanColumnFamily(DEFAULT_CF)) {
      const parsed = parseWindowKey(key);
      if (parsed === undefined || parsed.end <= lastExpiredEnd || parsed.end > gridEnd) continue;
      windows.push({ start: parsed.start, end: parsed.end, prefix: parsed.prefix.slice(), value: deserializeValue(value, this.partition.loads) as V });
    }
    windows.sort(compareWindows);
    const expired: ExpiredWindow<V>[] = [];
    for (const window of windows) {
      expired.push({ ...window, collected: collect ? await this.getFromCollection(window.start, window.end, window.prefix) : [] });
    }
    if (deleteExpired) {
      for (const window of windows) {
        this.deleteWindow(window.start, window.end, window.prefix);
        if (collect) await this.deleteFromCollection(window.start, window.prefix);
      }
    }
    this.#writeMarker(LAST_EXPIRED, DEFAULT_PREFIX, gridEnd);
    return expired;
  }

  /**
   * Delete the windows of one prefix that start after the last deleted start and at or before
   * `maxStartTime`, and record the last deleted start (0 included); with `deleteValues`, also the
   * collection values with id below `maxStartTime`. Does not touch the expiry marker.
   * @param maxStartTime - the latest start to delete
   * @param deleteValues - also delete collection values
   * @returns how many windows were deleted
   * @throws StateTransactionError unless STARTED
   */
  async deleteWindows(maxStartTime: number, deleteValues: boolean, prefix: Uint8Array): Promise<number> {
    this.assertStatus('deleteWindows', STARTED);
    checkInteger(maxStartTime, 'maxStartTime');
    checkPrefix(prefix);
    const lastDeleted = await this.#readMarker(LAST_DELETED_WINDOW, prefix);
    const windows = await this.getWindows(lastDeleted ?? -1, maxStartTime, prefix);
    for (const window of windows) this.deleteWindow(window.start, window.end, prefix);
    if (windows.length > 0) this.#writeMarker(LAST_DELETED_WINDOW, prefix, windows.at(-1)!.start);
    if (deleteValues) await this.deleteFromCollection(maxStartTime, prefix);
    return windows.length;
  }

  /**
   * The latest event timestamp seen by `updateWindow` for a prefix.
   * @returns the timestamp, or `undefined` when none is known
   * @throws StateTransactionError unless STARTED
   * @throws StateSerializationError when the stored marker is not an integer
   */
  async getLatestTimestamp(prefix: Uint8Array): Promise<number | undefined> {
    this.assertStatus('getLatestTimestamp', STARTED);
    return this.#readMarker(LATEST_TIMESTAMP, checkPrefix(prefix));
  }

  /**
   * The expiry marker of a prefix: the start of the last window `expireWindows` expired (for the
   * empty prefix after `expireAllWindows`: the last grid end it expired up to).
   * @returns the marker, or `undefined` when nothing was expired
   * @throws StateTransactionError unless STARTED
   */
  async getLatestExpired(prefix: Uint8Array): Promise<number | undefined> {
    this.assertStatus('getLatestExpired', STARTED);
    return this.#readMarker(LAST_EXPIRED, checkPrefix(prefix));
  }

  /**
   * Add a value to the prefix's collection (column family `__values__`), keyed by
   * `(id, counter)` so values of one id keep their insertion order.
   * @param value - a serializable value
   * @param id - the id to file it under (window operators pass the event time); omitted: the
   *   counter value
   * @returns the id the value was filed under
   * @throws StateTransactionError unless STARTED
   * @throws StateArgumentError when `id` is not a non-negative integer
   * @throws StateSerializationError when the value cannot be serialized (the transaction FAILS)
   */
  async addToCollection(value: unknown, id: number | undefined, prefix: Uint8Array): Promise<number> {
    this.assertStatus('addToCollection', STARTED);
    if (id !== undefined) checkTimestamp(id, 'id');
    checkPrefix(prefix);
    const counter = await this.nextCounter();
    // Kept in the cache now, not only at prepare(): a flush() without prepare() then cannot hand
    // the same counter out again and overwrite a value of the same id.
    this.set(GLOBAL_COUNTER_KEY, counter, DEFAULT_PREFIX, GLOBAL_COUNTER_CF_NAME);
    const collectionId = id ?? counter;
    this.set(encodePairKey(DEFAULT_PREFIX, collectionId, counter), value, prefix, VALUES_CF_NAME);
    return collectionId;
  }

  /**
   * Collection values with `max(start, 0) <= id < end`, in (id, insertion) order.
   * @param start - inclusive lower id
   * @param end - exclusive upper id
   * @returns the values
   * @throws StateTransactionError unless STARTED
   */
  async getFromCollection<V = unknown>(start: number, end: number, prefix: Uint8Array): Promise<V[]> {
    this.assertStatus('getFromCollection', STARTED);
    checkInteger(start, 'start');
    checkInteger(end, 'end');
    checkPrefix(prefix);
    const items = await this.getItems(start, end, prefix, { cfName: VALUES_CF_NAME });
    return items.filter(([key]) => isPairKeyOf(key, prefix.length)).map(([, value]) => deserializeValue(value, this.partition.loads) as V);
  }

  /**
   * Delete collection values with `start <= id < end`; `start` defaults to the value-deletion
   * marker (the greatest id deleted before), so each call only re-reads from there. When something
   * was deleted the marker becomes the greatest deleted id.
   * @param end - exclusive upper id
   * @param start - inclusive lower id (count windows pass 0)
   * @returns how many values were deleted
   * @throws StateTransactionError unless STARTED
   */
  async deleteFromCollection(end: number, prefix: Uint8Array, start?: number): Promise<number> {
    this.assertStatus('deleteFromCollection', STARTED);
    checkInteger(end, 'end');
    if (start !== undefined) checkInteger(start, 'start');
    checkPrefix(prefix);
    const from = start ?? (await this.#readMarker(LAST_DELETED_VALUE, prefix)) ?? -1;
    let deleted = 0;
    let greatestId = 0;
    for (const [key] of await this.getItems(from, end, prefix, { cfName: VALUES_CF_NAME })) {
      if (!isPairKeyOf(key, prefix.length)) continue;
      this.deleteBytes(key, prefix, VALUES_CF_NAME);
      greatestId = Math.max(greatestId, decodePairKey(key)[0]);
      deleted += 1;
    }
    if (deleted > 0) this.#writeMarker(LAST_DELETED_VALUE, prefix, greatestId);
    return deleted;
  }

  /**
   * Every key of a column family (all prefixes), through this transaction's writes and deletes, in
   * this order: first the keys this transaction wrote (prefix by prefix, in the order
   * the prefixes and then their keys were first written), then the stored keys in key order; each
   * key once, keys deleted in this transaction (in this family: quirk 10 fixed) left out.
   * @param cfName - column family; default `'default'`
   * @returns the keys
   * @throws StateTransactionError unless STARTED
   */
  async keys(cfName: string = DEFAULT_CF): Promise<Uint8Array[]> {
    this.assertStatus('keys', STARTED);
    assertColumnFamilyName(cfName);
    const deletes = this.cache.getDeletes(cfName);
    const listed = new Set<string>();
    const keys: Uint8Array[] = [];
    for (const bucket of this.cache.getUpdates(cfName)) {
      for (const [keyString, entry] of bucket.entries) {
        if (listed.has(keyString) || deletes.has(keyString)) continue;
        listed.add(keyString);
        keys.push(entry.key);
      }
    }
    for await (const [key] of this.partition.iterItems(undefined, undefined, { cfName })) {
      const keyString = bytesToKeyString(key);
      if (listed.has(keyString) || deletes.has(keyString)) continue;
      listed.add(keyString);
      keys.push(key);
    }
    return keys;
  }

  protected override itemsBound(prefix: Uint8Array, n: number): Uint8Array {
    return pairKeyBound(prefix, n);
  }

  /**
   * `getWindows(from, to, prefix)` for expiry, which window operators call for every message. Most
   * calls find nothing new, so the database is read only when `to` reaches the next stored window
   * (remembered per prefix): one scan then returns the stored windows up to `to` and finds where
   * the next one starts; otherwise only this transaction's cache is read.
   */
  async #expiryCandidates<V>(from: number, to: number, prefix: Uint8Array): Promise<WindowEntry<V>[]> {
    if (to <= from) return [];
    const prefixString = bytesToKeyString(prefix);
    const lower = pairKeyBound(prefix, from + 1);
    const lowerString = bytesToKeyString(lower);
    const upperString = bytesToKeyString(pairKeyBound(prefix, to + 1));
    const merged = new Map<string, [Uint8Array, Uint8Array]>();
    let gap = this.#storedGaps.get(prefixString);
    if (gap === undefined || from < gap.after || to >= gap.next) {
      let next = Number.POSITIVE_INFINITY;
      for await (const [key, value] of this.partition.iterItems(lower, pairKeyBound(prefix, Number.MAX_SAFE_INTEGER))) {
        if (!isPairKeyOf(key, prefix.length) || this.cache.isDeleted(key, DEFAULT_CF)) continue;
        const keyString = bytesToKeyString(key);
        if (keyString >= upperString) {
          next = decodePairKey(key)[0];
          break;
        }
        merged.set(keyString, [key, value]);
      }
      gap = { after: from, next };
    }
    for (const [keyString, entry] of this.cache.getBucket(DEFAULT_CF, prefix)?.entries ?? []) {
      if (keyString < lowerString || keyString >= upperString || !isPairKeyOf(entry.key, prefix.length)) continue;
      if (!this.cache.isDeleted(entry.key, DEFAULT_CF)) merged.set(keyString, [entry.key, entry.value]);
    }
    const windows = [...merged.keys()].sort().map((keyString): WindowEntry<V> => {
      const [key, value] = merged.get(keyString)!;
      const [start, end] = decodePairKey(key);
      return { start, end, value: deserializeValue(value, this.partition.loads) as V, prefix };
    });
    // Every stored window up to `to` starts at or before the last one returned, so none starts
    // between it and the next stored one.
    this.#storedGaps.set(prefixString, { after: windows.at(-1)?.start ?? from, next: gap.next });
    return windows;
  }

  async #scanColumnFamily(cfName: string): Promise<[Uint8Array, Uint8Array][]> {
    const merged = new Map<string, [Uint8Array, Uint8Array]>();
    for await (const [key, value] of this.partition.iterItems(undefined, undefined, { cfName })) merged.set(bytesToKeyString(key), [key, value]);
    for (const bucket of this.cache.getUpdates(cfName)) {
      for (const [keyString, entry] of bucket.entries) merged.set(keyString, [entry.key, entry.value]);
    }
    for (const keyString of this.cache.getDeletes(cfName).keys()) merged.delete(keyString);
    return [...merged.keys()].sort().map((keyString) => merged.get(keyString)!);
  }

  async #readMarker(kind: MarkerKind, prefix: Uint8Array): Promise<number | undefined> {
    const memo = this.#memo(kind);
    const prefixString = bytesToKeyString(prefix);
    if (memo.has(prefixString)) return memo.get(prefixString);
    const stored = await this.get<unknown>(kind.key, prefix, undefined, kind.cfName);
    if (stored !== undefined && !Number.isSafeInteger(stored)) {
      throw new StateSerializationError(
        `invalid timestamp: the marker "${bytesRepr(kind.key)}" of prefix ${bytesRepr(prefix)} in "${kind.cfName}" holds ${JSON.stringify(stored)}, not an integer. The store was written by something else; delete the partition's state and recover it from the changelog.`,
      );
    }
    const marker = stored as number | undefined;
    if (!memo.has(prefixString)) memo.set(prefixString, marker);
    return memo.get(prefixString);
  }

  async #isEmptyPrefixPerKeyExpiry(): Promise<boolean> {
    if (this.#emptyPrefixPerKeyExpiry === undefined) {
      const stored = await this.get<unknown>(EMPTY_PREFIX_PER_KEY_EXPIRY_KEY, DEFAULT_PREFIX, undefined, LAST_EXPIRED.cfName);
      this.#emptyPrefixPerKeyExpiry ??= stored === true;
    }
    return this.#emptyPrefixPerKeyExpiry;
  }

  #writeMarker(kind: MarkerKind, prefix: Uint8Array, value: number): void {
    this.set(kind.key, value, prefix, kind.cfName);
    this.#memo(kind).set(bytesToKeyString(prefix), value);
  }

  #memo(kind: MarkerKind): Map<string, number | undefined> {
    let memo = this.#markers.get(kind.cfName);
    if (memo === undefined) this.#markers.set(kind.cfName, (memo = new Map()));
    return memo;
  }
}

function compareWindows(a: WindowEntry<unknown>, b: WindowEntry<unknown>): number {
  if (a.start !== b.start) return a.start - b.start;
  if (a.end !== b.end) return a.end - b.end;
  const left = bytesToKeyString(a.prefix);
  const right = bytesToKeyString(b.prefix);
  return left < right ? -1 : left > right ? 1 : 0;
}

function floorMod(n: number, divisor: number): number {
  return ((n % divisor) + divisor) % divisor;
}

function checkPrefix(prefix: unknown): Uint8Array {
  if (!(prefix instanceof Uint8Array)) {
    throw new StateArgumentError(
      `The prefix must be bytes (a Uint8Array), got ${typeof prefix}. Use asState(key) to have a non-bytes key serialized into a prefix.`,
    );
  }
  return prefix;
}

function checkInteger(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value)) throw new StateArgumentError(`${name} must be an integer number of milliseconds, got ${String(value)}.`);
}

function checkTimestamp(value: unknown, name: string): void {
  checkInteger(value, name);
  if ((value as number) < 0) throw new StateArgumentError(`Timestamp cannot be negative: ${name} is ${String(value)}; event times are milliseconds since the epoch.`);
}

function checkWindow(startMs: number, endMs: number): void {
  checkInteger(startMs, 'startMs');
  checkInteger(endMs, 'endMs');
  if (endMs <= startMs) {
    throw new StateArgumentError(`Invalid window duration: window end ${endMs} is smaller or equal than window start ${startMs}; a window must end after it starts.`);
  }
}
