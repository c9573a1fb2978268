/**
 * `TimeWindowProcessor`: one windowed aggregation over event time, applied message by message
 * inside a windowed transaction.
 *
 * For each message: the windows containing its timestamp are updated (a window whose end is at or
 * below `latest - grace` is late and skipped, `latest` being the greatest timestamp seen for the
 * key), then the key's windows that closed are expired and deleted. `final` emission returns the
 * closed windows; `current` emission returns the windows the message updated.
 *
 * @module
 */
import { StateArgumentError } from '../state/errors.js';
import type { PartitionTransaction } from '../state/transaction.js';
import { WindowedPartitionTransaction } from '../state/windowed/windowed-transaction.js';
import type { WindowAggregation } from './aggregations.js';
import { timeWindowRanges } from './window-ranges.js';

/** One window emitted by a processor. */
export interface WindowResult<R> {
  /** The message key the window belongs to, as the prefix bytes it is stored under. */
  readonly key: Uint8Array;
  /** Window start, ms (inclusive). */
  readonly start: number;
  /** Window end, ms (exclusive). */
  readonly end: number;
  /** The window's result (the aggregate, or the collected values). */
  readonly value: R;
}

/** A message that arrived too late for one of its windows. */
export interface LateMessage<V> {
  /** The message key, as prefix bytes. */
  readonly key: Uint8Array;
  /** The message value. */
  readonly value: V;
  /** The message's event time. */
  readonly timestampMs: number;
  /** The window it was too late for. */
  readonly start: number;
  /** The window's end. */
  readonly end: number;
  /** How far behind the latest closed window end the message is, ms. */
  readonly lateByMs: number;
}

/** When a processor emits windows. */
export type WindowEmission = 'final' | 'current';

/** The time window shape a processor runs over (see `tumblingWindow` / `hoppingWindow`). */
export interface TimeWindowShape<V> {
  /** Window length, ms. */
  readonly durationMs: number;
  /** Distance between window starts, ms (the duration for tumbling windows). */
  readonly stepMs: number;
  /** How long after a window's end it still accepts messages, ms. */
  readonly graceMs: number;
  /** Called once per window a message was too late for; late messages are otherwise dropped. */
  readonly onLate: ((late: LateMessage<V>) => void) | undefined;
}

/** What a processor does with the values of a window. */
export type WindowReduction<V, R> =
  | { readonly kind: 'aggregate'; readonly aggregation: WindowAggregation<V, any, R> }
  | { readonly kind: 'collect'; readonly valueOf: (value: V) => unknown };

/** A windowed aggregation, ready to process messages; see the module documentation. */
export class TimeWindowProcessor<V, R> {
  /** The windowed store it needs: register it with `manager.registerWindowedStore(streamId, storeName)`. */
  readonly storeName: string;
  /** When it emits: closed windows (`final`) or updated windows (`current`). */
  readonly emission: WindowEmission;
  readonly #shape: TimeWindowShape<V>;
  readonly #reduction: WindowReduction<V, R>;

  /**
   * Use `tumblingWindow(...)` / `hoppingWindow(...)` and an aggregation method.
   * @param storeName - the windowed store name
   * @param shape - duration, step, grace, late callback
   * @param reduction - the aggregation, or collection
   * @param emission - `final` or `current`
   */
  constructor(storeName: string, shape: TimeWindowShape<V>, reduction: WindowReduction<V, R>, emission: WindowEmission = 'final') {
    if (reduction.kind === 'collect' && emission === 'current') {
      throw new StateArgumentError('collect() windows emit only when they close: use final(), or an aggregation such as reduce() for current().');
    }
    this.storeName = storeName;
    this.#shape = shape;
    this.#reduction = reduction;
    this.emission = emission;
  }

  /** @returns the same aggregation, emitting each window once, when it closes */
  final(): TimeWindowProcessor<V, R> {
    return new TimeWindowProcessor(this.storeName, this.#shape, this.#reduction, 'final');
  }

  /**
   * @returns the same aggregation, emitting every window a message updates, with its aggregate so far
   * @throws StateArgumentError for `collect()`, whose windows exist only when they close
   */
  current(): TimeWindowProcessor<V, R> {
    return new TimeWindowProcessor(this.storeName, this.#shape, this.#reduction, 'current');
  }

  /**
   * Apply one message.
   * @param transaction - a transaction of the windowed store named {@link TimeWindowProcessor.storeName}
   *   on the message's partition
   * @param key - the message key: bytes (used as is) or a value serialized with the store's `dumps`
   * @param value - the message value
   * @param timestampMs - the message's event time (a non-negative integer)
   * @returns the emitted windows in time order: those that closed (`final`) or those updated (`current`)
   * @throws StateArgumentError when the transaction is not windowed or the timestamp is invalid
   * @throws StateTransactionError when the transaction is not STARTED
   * @throws StateSerializationError when an aggregate cannot be serialized (the transaction FAILS)
   */
  async process(transaction: PartitionTransaction, key: unknown, value: V, timestampMs: number): Promise<WindowResult<R>[]> {
    if (!(transaction instanceof WindowedPartitionTransaction)) {
      throw new StateArgumentError(
        `Window "${this.storeName}" needs a transaction of a windowed store: register it with manager.registerWindowedStore(streamId, "${this.storeName}") and start the transaction on that store.`,
      );
    }
    if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
      throw new StateArgumentError(`timestampMs must be a non-negative integer (milliseconds since the epoch), got ${String(timestampMs)}.`);
    }
    const { durationMs, stepMs, graceMs, onLate } = this.#shape;
    const state = transaction.asState(key);
    const latest = Math.max(timestampMs, (await state.getLatestTimestamp()) ?? 0);
    const maxExpiredEnd = latest - graceMs;
    const maxExpiredStart = maxExpiredEnd - durationMs;
    const updated: WindowResult<R>[] = [];
    let accepted = false;
    for (const [start, end] of timeWindowRanges(timestampMs, durationMs, stepMs)) {
      if (start <= maxExpiredStart) {
        onLate?.({ key: state.prefix, value, timestampMs, start, end, lateByMs: maxExpiredEnd - timestampMs });
        continue;
      }
      accepted = true;
      if (this.#reduction.kind === 'collect') {
        // The window holds no aggregate; it exists so expiry finds it and its latest timestamp moves.
        await state.updateWindow(start, end, null, timestampMs);
        continue;
      }
      const { aggregation } = this.#reduction;
      const current = await state.getWindow(start, end);
      const aggregate = current === undefined ? aggregation.first(value) : aggregation.add(current, value);
      await state.updateWindow(start, end, aggregate, timestampMs);
      updated.push({ key: state.prefix, start, end, value: aggregation.result(aggregate) });
    }
    const collect = this.#reduction.kind === 'collect';
    // A value no window accepted would sit below the collection's deletion marker for ever.
    if (collect && accepted) await state.addToCollection(this.#reduction.valueOf(value), timestampMs);
    const expired = await state.expireWindows(maxExpiredStart, { collect });
    if (this.emission === 'current') return updated;
    return expired.map((window) => ({
      key: window.prefix,
      start: window.start,
      end: window.end,
      value: this.#reduction.kind === 'collect' ? (window.collected as R) : this.#reduction.aggregation.result(window.value),
    }));
  }
}
