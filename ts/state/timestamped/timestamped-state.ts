/**
 * `TimestampedState`: the {@link State} of a timestamped store bound to one prefix (the message
 * key), with the timestamped operations of that prefix.
 *
 * @module
 */
import { TransactionState, type State } from '../state.js';
import type { TimestampedPartitionTransaction } from './timestamped-transaction.js';

/** Timestamped values of one prefix inside one timestamped transaction. Reads are async. */
export interface TimestampedState extends State {
  /**
   * @param timestamp - inclusive upper event time, ms
   * @returns the latest value at or before `timestamp` within the grace period, or `undefined`
   */
  getLatest<V = unknown>(timestamp: number): Promise<V | undefined>;
  /**
   * Store a value at an event time (and raise the watermark to `timestamp - graceMs`).
   * @param timestamp - event time, ms (not negative)
   * @param value - a serializable value
   */
  setForTimestamp(timestamp: number, value: unknown): Promise<void>;
  /**
   * @param start - inclusive lower event time
   * @param end - exclusive upper event time
   * @returns the values in `[start, end)`, ascending by time then insertion
   */
  getInterval<V = unknown>(start: number, end: number): Promise<V[]>;
}

/** The {@link TimestampedState} of a {@link TimestampedPartitionTransaction}. */
export class TimestampedTransactionState extends TransactionState implements TimestampedState {
  readonly #timestamped: TimestampedPartitionTransaction;

  /**
   * Use `transaction.asState(prefix)`.
   * @param transaction - the timestamped transaction
   * @param prefix - the prefix bytes
   */
  constructor(transaction: TimestampedPartitionTransaction, prefix: Uint8Array) {
    super(transaction, prefix);
    this.#timestamped = transaction;
  }

  /** @inheritDoc */
  getLatest<V = unknown>(timestamp: number): Promise<V | undefined> {
    return this.#timestamped.getLatest<V>(timestamp, this.prefix);
  }

  /** @inheritDoc */
  setForTimestamp(timestamp: number, value: unknown): Promise<void> {
    return this.#timestamped.setForTimestamp(timestamp, value, this.prefix);
  }

  /** @inheritDoc */
  getInterval<V = unknown>(start: number, end: number): Promise<V[]> {
    return this.#timestamped.getInterval<V>(start, end, this.prefix);
  }
}
