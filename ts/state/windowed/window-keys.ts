/**
 * Key layouts of windowed stores: a window is `P ‖ SEP ‖ u64(start) ‖ SEP ‖ u64(end)`
 * in `default`, a collection value `P ‖ SEP ‖ u64(id) ‖ SEP ‖ u64(counter)` in `__values__`; with the
 * empty prefix there is no leading separator (`u64(a) ‖ SEP ‖ u64(b)`), exactly as the reference
 * stores them. Range bounds are built the same way, which is what makes range reads work for the
 * empty prefix (fixed quirk 15).
 *
 * @module
 */
import { getLogger } from '../../logging.js';
import { bytesRepr, concatBytes } from '../bytes.js';
import { SEPARATOR } from '../constants.js';
import { appendInteger, decodeIntegerPair, encodeIntegerPair, intToBytes } from '../integers.js';

const SEP = SEPARATOR[0]!;
const PAIR_LENGTH = 17;

/** A window key taken apart. */
export interface ParsedWindowKey {
  /** The prefix bytes (a view into the key). */
  readonly prefix: Uint8Array;
  /** Window start, ms. */
  readonly start: number;
  /** Window end, ms (exclusive). */
  readonly end: number;
}

/**
 * The stored key of a pair under a prefix: `P ‖ SEP ‖ u64(a) ‖ SEP ‖ u64(b)`, or the 17-byte pair
 * alone for the empty prefix.
 * @param a - first integer (window start, collection id)
 * @param b - second integer (window end, counter)
 * @returns the key
 * @throws IntegerEncodingError when an integer is negative or out of range
 */
export function encodePairKey(prefix: Uint8Array, a: number, b: number): Uint8Array {
  const pair = encodeIntegerPair(a, b);
  return prefix.length === 0 ? pair : concatBytes(prefix, SEPARATOR, pair);
}

/**
 * The bound every pair key of `prefix` whose first integer is `n` starts with: `P ‖ SEP ‖ u64(n)`,
 * or `u64(n)` for the empty prefix.
 * @param n - the first integer
 * @returns the bound
 * @throws IntegerEncodingError when `n` is negative or out of range
 */
export function pairKeyBound(prefix: Uint8Array, n: number): Uint8Array {
  return prefix.length === 0 ? intToBytes(n) : appendInteger(prefix, n);
}

/**
 * Whether a key found in a range of `prefix` has the pair layout of that prefix. Range bounds alone
 * also admit keys of other shapes (a plain key under the same prefix, or a key of a longer prefix
 * that starts with these bytes); checking the exact length and separators keeps them out.
 * @param key - a stored key
 * @param prefixLength - length of the prefix the range was built for
 * @returns true for `P ‖ SEP ‖ u64 ‖ SEP ‖ u64` (or the bare pair when the prefix is empty)
 */
export function isPairKeyOf(key: Uint8Array, prefixLength: number): boolean {
  const expected = prefixLength === 0 ? PAIR_LENGTH : prefixLength + 1 + PAIR_LENGTH;
  return key.length === expected && key[key.length - 9] === SEP && (prefixLength === 0 || key[prefixLength] === SEP);
}

/**
 * The two integers at the end of a pair key.
 * @param key - a key checked with {@link isPairKeyOf}
 * @returns `[a, b]`
 * @throws IntegerEncodingError when an integer exceeds `Number.MAX_SAFE_INTEGER`
 */
export function decodePairKey(key: Uint8Array): [number, number] {
  return decodeIntegerPair(key.subarray(key.length - PAIR_LENGTH));
}

/**
 * Take any stored key apart as a window key (the whole-partition scan of `expireAllWindows` meets
 * every key of the family, windows of every prefix and plain keys alike).
 * @param key - a stored key
 * @returns prefix, start and end, or `undefined` when the key is not a window key, or is shaped
 *   like one but holds an integer above `Number.MAX_SAFE_INTEGER` (then a warning naming the key is
 *   logged with {@link getLogger}, since such a window is left alone by partition-wide expiry)
 */
export function parseWindowKey(key: Uint8Array): ParsedWindowKey | undefined {
  if (key.length < PAIR_LENGTH || key[key.length - 9] !== SEP) return undefined;
  // A window of the empty prefix has no separator before its pair, so an 18-byte `|pair` key is not one.
  if (key.length !== PAIR_LENGTH && (key.length === PAIR_LENGTH + 1 || key[key.length - PAIR_LENGTH - 1] !== SEP)) return undefined;
  let start: number;
  let end: number;
  try {
    [start, end] = decodePairKey(key);
  } catch (error) {
    getLogger().warn(
      `Skipping the window key ${bytesRepr(key)}: its start or end does not fit a safe integer (${error instanceof Error ? error.message : String(error)}), so it cannot be expired; delete it with the backend's own tools if it is not wanted.`,
    );
    return undefined;
  }
  const prefix = key.subarray(0, Math.max(0, key.length - PAIR_LENGTH - 1));
  return { prefix, start, end };
}
