/**
 * `WindowedState`: the {@link State} of a windowed store bound to one prefix (the
 * message key), with the window, expiry and collection operations of that prefix.
 *
 * @module
 */
import { TransactionState, type State } from '../state.js';
import type {
  ExpiredWindow,
  ExpireWindowsOptions,
  GetWindowsOptions,
  WindowedPartitionTransaction,
  WindowEntry,
} from './windowed-transaction.js';

/** Windows of one prefix inside one windowed transaction. Reads are async. */
export interface WindowedState extends State {
  /**
   * @param endMs - window end (greater than the start)
   * @param defaultValue - returned when the window does not exist
   * @returns the window's value, or `defaultValue`
   * @throws StateArgumentError when `endMs <= startMs`
   *
   * Typed like `State.get`: `Promise<V>` with a default, `Promise<V | undefined>` without.
   */
  getWindow<V = unknown>(startMs: number, endMs: number, defaultValue?: undefined): Promise<V | undefined>;
  getWindow<V>(startMs: number, endMs: number, defaultValue: V): Promise<V>;
  /**
   * Write a window and raise the latest timestamp of the prefix.
   * @param value - the window's value
   * @param timestampMs - the event time that updated it (not negative)
   * @throws StateArgumentError on a negative timestamp or an empty window
   */
  updateWindow(startMs: number, endMs: number, value: unknown, timestampMs: number): Promise<void>;
  deleteWindow(startMs: number, endMs: number): void;
  /**
   * Windows with `startFromMs < start <= startToMs`.
   * @param startFromMs - exclusive lower bound of the start
   * @param startToMs - inclusive upper bound of the start
   * @param options - `backwards`: newest first
   * @returns the windows in time order (or reversed)
   */
  getWindows<V = unknown>(startFromMs: number, startToMs: number, options?: GetWindowsOptions): Promise<WindowEntry<V>[]>;
  /**
   * Expire (and by default delete) the windows starting at or before `maxStartTime` that were not
   * expired before.
   * @param maxStartTime - the latest start to expire
   * @param options - `delete`, `collect`, `endInclusive`
   * @returns the expired windows in time order
   */
  expireWindows<V = unknown>(maxStartTime: number, options?: ExpireWindowsOptions): Promise<ExpiredWindow<V>[]>;
  /**
   * Delete the windows starting at or before `maxStartTime` not deleted before.
   * @param maxStartTime - the latest start to delete
   * @param deleteValues - also delete collection values with id below `maxStartTime`
   * @returns how many windows were deleted
   */
  deleteWindows(maxStartTime: number, deleteValues: boolean): Promise<number>;
  /**
   * @param value - a serializable value
   * @param id - the id to file it under (e.g. its event time); omitted: a fresh counter value
   * @returns the id it was filed under
   */
  addToCollection(value: unknown, id?: number): Promise<number>;
  /**
   * @param start - inclusive lower id
   * @param end - exclusive upper id
   * @returns the collection values in (id, insertion) order
   */
  getFromCollection<V = unknown>(start: number, end: number): Promise<V[]>;
  /**
   * @param end - exclusive upper id
   * @param start - inclusive lower id; default: where the last deletion stopped
   * @returns how many values were deleted
   */
  deleteFromCollection(end: number, start?: number): Promise<number>;
  /** @returns the latest event timestamp of the prefix, or `undefined` when none is known */
  getLatestTimestamp(): Promise<number | undefined>;
}

/** The {@link WindowedState} of a {@link WindowedPartitionTransaction}. */
export class WindowedTransactionState extends TransactionState implements WindowedState {
  readonly #windowed: WindowedPartitionTransaction;

  /**
   * Use `transaction.asState(prefix)`.
   * @param transaction - the windowed transaction
   * @param prefix - the prefix bytes
   */
  constructor(transaction: WindowedPartitionTransaction, prefix: Uint8Array) {
    super(transaction, prefix);
    this.#windowed = transaction;
  }

  /** @inheritDoc */
  getWindow<V = unknown>(startMs: number, endMs: number, defaultValue?: undefined): Promise<V | undefined>;
  getWindow<V>(startMs: number, endMs: number, defaultValue: V): Promise<V>;
  getWindow<V>(startMs: number, endMs: number, defaultValue?: V): Promise<V | undefined> {
    return this.#windowed.getWindow<V | undefined>(startMs, endMs, this.prefix, defaultValue);
  }

  /** @inheritDoc */
  updateWindow(startMs: number, endMs: number, value: unknown, timestampMs: number): Promise<void> {
    return this.#windowed.updateWindow(startMs, endMs, value, timestampMs, this.prefix);
  }

  /** @inheritDoc */
  deleteWindow(startMs: number, endMs: number): void {
    this.#windowed.deleteWindow(startMs, endMs, this.prefix);
  }

  /** @inheritDoc */
  getWindows<V = unknown>(startFromMs: number, startToMs: number, options?: GetWindowsOptions): Promise<WindowEntry<V>[]> {
    return this.#windowed.getWindows<V>(startFromMs, startToMs, this.prefix, options);
  }

  /** @inheritDoc */
  expireWindows<V = unknown>(maxStartTime: number, options?: ExpireWindowsOptions): Promise<ExpiredWindow<V>[]> {
    return this.#windowed.expireWindows<V>(maxStartTime, this.prefix, options);
  }

  /** @inheritDoc */
  deleteWindows(maxStartTime: number, deleteValues: boolean): Promise<number> {
    return this.#windowed.deleteWindows(maxStartTime, deleteValues, this.prefix);
  }

  /** @inheritDoc */
  addToCollection(value: unknown, id?: number): Promise<number> {
    return this.#windowed.addToCollection(value, id, this.prefix);
  }

  /** @inheritDoc */
  getFromCollection<V = unknown>(start: number, end: number): Promise<V[]> {
    return this.#windowed.getFromCollection<V>(start, end, this.prefix);
  }

  /** @inheritDoc */
  deleteFromCollection(end: number, start?: number): Promise<number> {
    return this.#windowed.deleteFromCollection(end, this.prefix, start);
  }

  /** @inheritDoc */
  getLatestTimestamp(): Promise<number | undefined> {
    return this.#windowed.getLatestTimestamp(this.prefix);
  }
}
