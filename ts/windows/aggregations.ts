/**
 * Window aggregations: how a window's aggregate starts from its first value, grows with each
 * further value, and what is emitted for it. The aggregate is what the windowed store keeps per
 * window, so it must survive the store's `dumps` (JSON by default).
 *
 * @module
 */

/** An aggregation of the values that fall into a window. */
export interface WindowAggregation<V, A, R = A> {
  /** Its name in store names (`sum` in `tumbling_window_10000_sum`): letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /**
   * @param value - the window's first value
   * @returns the aggregate of that value alone
   */
  first(value: V): A;
  /**
   * @param aggregate - the window's aggregate so far
   * @param value - one more value
   * @returns the new aggregate
   */
  add(aggregate: A, value: V): A;
  /**
   * @param aggregate - a window's aggregate
   * @returns what is emitted for the window
   */
  result(aggregate: A): R;
}

/** Picks the number to aggregate out of a value. */
export type NumberOf<V> = (value: V) => number;

const identityNumber = <V>(value: V): number => value as unknown as number;

/**
 * @param valueOf - the number to add up; default: the value itself
 * @returns the sum of the window's numbers
 */
export function sumAggregation<V>(valueOf: NumberOf<V> = identityNumber): WindowAggregation<V, number> {
  return { name: 'sum', first: (value) => valueOf(value), add: (sum, value) => sum + valueOf(value), result: (sum) => sum };
}

/** @returns the number of values in the window */
export function countAggregation<V>(): WindowAggregation<V, number> {
  return { name: 'count', first: () => 1, add: (count) => count + 1, result: (count) => count };
}

/**
 * @param valueOf - the number to compare; default: the value itself
 * @returns the smallest of the window's numbers
 */
export function minAggregation<V>(valueOf: NumberOf<V> = identityNumber): WindowAggregation<V, number> {
  return { name: 'min', first: (value) => valueOf(value), add: (min, value) => Math.min(min, valueOf(value)), result: (min) => min };
}

/**
 * @param valueOf - the number to compare; default: the value itself
 * @returns the largest of the window's numbers
 */
export function maxAggregation<V>(valueOf: NumberOf<V> = identityNumber): WindowAggregation<V, number> {
  return { name: 'max', first: (value) => valueOf(value), add: (max, value) => Math.max(max, valueOf(value)), result: (max) => max };
}

/**
 * @param valueOf - the number to average; default: the value itself
 * @returns the mean of the window's numbers (kept as `[sum, count]`)
 */
export function meanAggregation<V>(valueOf: NumberOf<V> = identityNumber): WindowAggregation<V, [number, number], number> {
  return {
    name: 'mean',
    first: (value) => [valueOf(value), 1],
    add: ([sum, count], value) => [sum + valueOf(value), count + 1],
    result: ([sum, count]) => sum / count,
  };
}

/**
 * @param reducer - folds one more value into the aggregate
 * @param initializer - the aggregate of the window's first value
 * @returns the folded aggregate
 */
export function reduceAggregation<V, A>(reducer: (aggregate: A, value: V) => A, initializer: (value: V) => A): WindowAggregation<V, A> {
  return { name: 'reduce', first: initializer, add: reducer, result: (aggregate) => aggregate };
}
