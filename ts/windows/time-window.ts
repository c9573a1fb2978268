/**
 * Time window definitions: `tumblingWindow` and `hoppingWindow` describe the windows; an
 * aggregation method (`sum`, `count`, `min`, `max`, `mean`, `reduce`, `collect`, or `aggregate`
 * with your own) turns the definition into a {@link TimeWindowProcessor}, named after the
 * windowed store it needs: `tumbling_window_<duration>_<func>`,
 * `hopping_window_<duration>_<step>_<func>`, each prefixed by `<name>_` when a name is given.
 *
 * ```ts
 * const revenue = tumblingWindow<Order>({ durationMs: 60_000, graceMs: 5_000 }).sum((order) => order.amount);
 * manager.registerWindowedStore('orders', revenue.storeName);
 * // per message, in a transaction of that store:
 * const closed = await revenue.process(tx, message.key, message.value, message.timestampMs);
 * ```
 *
 * @module
 */
import { InvalidOptionsError } from '../state/errors.js';
import {
  countAggregation,
  maxAggregation,
  meanAggregation,
  minAggregation,
  reduceAggregation,
  sumAggregation,
  type NumberOf,
  type WindowAggregation,
} from './aggregations.js';
import { TimeWindowProcessor, type LateMessage, type TimeWindowShape } from './time-window-processor.js';

/** Options of {@link tumblingWindow}. */
export interface TumblingWindowOptions<V> {
  /** Window length, ms (a positive integer). */
  durationMs: number;
  /** How long after its end a window still accepts late messages, ms. Default 0. */
  graceMs?: number;
  /** Prefixes the store name (`<name>_tumbling_window_...`), to tell apart two windows of one shape. */
  name?: string;
  /** Called once per window a message arrives too late for; such messages are dropped. */
  onLate?: (late: LateMessage<V>) => void;
}

/** Options of {@link hoppingWindow}. */
export interface HoppingWindowOptions<V> extends TumblingWindowOptions<V> {
  /** Distance between window starts, ms (a positive integer smaller than the duration). */
  stepMs: number;
}

/** Windows of one shape over event time; pick an aggregation to get a processor. */
export class TimeWindowDefinition<V = unknown> implements TimeWindowShape<V> {
  /** `tumbling_window` or `hopping_window`. */
  readonly kind: 'tumbling_window' | 'hopping_window';
  /** @inheritDoc */
  readonly durationMs: number;
  /** @inheritDoc */
  readonly stepMs: number;
  /** @inheritDoc */
  readonly graceMs: number;
  /** The user name prefixing store names, if any. */
  readonly name: string | undefined;
  /** @inheritDoc */
  readonly onLate: ((late: LateMessage<V>) => void) | undefined;

  /**
   * Use {@link tumblingWindow} or {@link hoppingWindow}.
   * @param kind - `tumbling_window` or `hopping_window`
   * @param options - duration, step, grace, name, late callback
   * @throws InvalidOptionsError on an invalid duration, step, grace or name
   */
  constructor(kind: 'tumbling_window' | 'hopping_window', options: HoppingWindowOptions<V>) {
    const { durationMs, stepMs, graceMs = 0, name, onLate } = options;
    checkPositive(durationMs, 'durationMs');
    checkPositive(stepMs, 'stepMs');
    if (kind === 'hopping_window' && stepMs >= durationMs) {
      throw new InvalidOptionsError(`A hopping window's stepMs (${stepMs}) must be smaller than its durationMs (${durationMs}); use tumblingWindow for step = duration.`);
    }
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new InvalidOptionsError(`graceMs must be a non-negative integer number of milliseconds, got ${String(graceMs)}.`);
    if (name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new InvalidOptionsError(`A window name becomes part of a store name: use letters, digits, "_", "-" or "." only, got ${JSON.stringify(name)}.`);
    }
    if (onLate !== undefined && typeof onLate !== 'function') throw new InvalidOptionsError('onLate must be a function.');
    this.kind = kind;
    this.durationMs = durationMs;
    this.stepMs = stepMs;
    this.graceMs = graceMs;
    this.name = name;
    this.onLate = onLate;
  }

  /**
   * The name of the windowed store of an aggregation over these windows.
   * @param func - the aggregation name (`sum`, `count`, ...)
   * @returns e.g. `tumbling_window_60000_sum` or `hopping_window_10000_5000_count`
   */
  storeName(func: string): string {
    const shape = this.kind === 'tumbling_window' ? `${this.durationMs}` : `${this.durationMs}_${this.stepMs}`;
    return `${this.name === undefined ? '' : `${this.name}_`}${this.kind}_${shape}_${func}`;
  }

  /**
   * @param valueOf - the number to add up; default: the value itself
   * @returns a processor emitting each window's sum
   */
  sum(valueOf?: NumberOf<V>): TimeWindowProcessor<V, number> {
    return this.aggregate(sumAggregation(valueOf));
  }

  /** @returns a processor emitting each window's number of messages */
  count(): TimeWindowProcessor<V, number> {
    return this.aggregate(countAggregation<V>());
  }

  /**
   * @param valueOf - the number to compare; default: the value itself
   * @returns a processor emitting each window's smallest number
   */
  min(valueOf?: NumberOf<V>): TimeWindowProcessor<V, number> {
    return this.aggregate(minAggregation(valueOf));
  }

  /**
   * @param valueOf - the number to compare; default: the value itself
   * @returns a processor emitting each window's largest number
   */
  max(valueOf?: NumberOf<V>): TimeWindowProcessor<V, number> {
    return this.aggregate(maxAggregation(valueOf));
  }

  /**
   * @param valueOf - the number to average; default: the value itself
   * @returns a processor emitting each window's mean
   */
  mean(valueOf?: NumberOf<V>): TimeWindowProcessor<V, number> {
    return this.aggregate(meanAggregation(valueOf));
  }

  /**
   * @param reducer - folds one more value into the aggregate
   * @param initializer - the aggregate of a window's first value
   * @returns a processor emitting each window's folded aggregate (it must survive the store's `dumps`)
   */
  reduce<A>(reducer: (aggregate: A, value: V) => A, initializer: (value: V) => A): TimeWindowProcessor<V, A> {
    return this.aggregate(reduceAggregation(reducer, initializer));
  }

  /**
   * Collect the values of each window, kept as a collection (one entry per message) rather than
   * rewritten as one growing aggregate; emitted when the window closes (final emission only).
   * @param valueOf - what to keep of each value; default: the value itself
   * @returns a processor emitting each window's values in time order
   */
  collect<C = V>(valueOf: (value: V) => C = (value) => value as unknown as C): TimeWindowProcessor<V, C[]> {
    return new TimeWindowProcessor<V, C[]>(this.storeName('collect'), this, { kind: 'collect', valueOf });
  }

  /**
   * Aggregate with your own {@link WindowAggregation}.
   * @param aggregation - first / add / result, and a name for the store
   * @returns a processor emitting `aggregation.result` of each window
   * @throws InvalidOptionsError when the aggregation's name cannot be part of a store name
   */
  aggregate<A, R>(aggregation: WindowAggregation<V, A, R>): TimeWindowProcessor<V, R> {
    if (!/^[A-Za-z0-9_.-]+$/.test(aggregation.name ?? '')) {
      throw new InvalidOptionsError(`An aggregation name becomes part of a store name: use letters, digits, "_", "-" or "." only, got ${JSON.stringify(aggregation.name)}.`);
    }
    return new TimeWindowProcessor<V, R>(this.storeName(aggregation.name), this, { kind: 'aggregate', aggregation });
  }
}

/**
 * Tumbling windows: fixed, non-overlapping windows of `durationMs`, aligned to the epoch; each
 * event falls into exactly one.
 * @param options - `durationMs`, `graceMs` (default 0), `name`, `onLate`
 * @returns the definition; call an aggregation method on it
 * @throws InvalidOptionsError on an invalid duration, grace or name
 */
export function tumblingWindow<V = unknown>(options: TumblingWindowOptions<V>): TimeWindowDefinition<V> {
  return new TimeWindowDefinition<V>('tumbling_window', { ...options, stepMs: options?.durationMs });
}

/**
 * Hopping windows: windows of `durationMs` starting every `stepMs`, aligned to the epoch; each
 * event falls into about `durationMs / stepMs` of them.
 * @param options - `durationMs`, `stepMs`, `graceMs` (default 0), `name`, `onLate`
 * @returns the definition; call an aggregation method on it
 * @throws InvalidOptionsError on an invalid duration, step, grace or name
 */
export function hoppingWindow<V = unknown>(options: HoppingWindowOptions<V>): TimeWindowDefinition<V> {
  return new TimeWindowDefinition<V>('hopping_window', options);
}

function checkPositive(value: unknown, name: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new InvalidOptionsError(`${name} must be a positive integer number of milliseconds, got ${String(value)}.`);
  }
}
