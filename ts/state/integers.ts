/**
 * Fixed-width integer encodings of keys: unsigned 64-bit big-endian, so that the
 * bytewise order of keys equals the numeric order of the integers in them.
 *
 * Integers are accepted as `number` (any non-negative integer; above 2^53 only the exactly
 * representable ones exist) or `bigint`. Decoding returns a `number` and refuses values above
 * `Number.MAX_SAFE_INTEGER`; use {@link bigIntFromBytes} where such values can occur.
 *
 * @module
 */
import { MAX_UINT64, SEPARATOR } from './constants.js';
import { IntegerEncodingError } from './errors.js';

const TWO_POW_32 = 2 ** 32;

/**
 * `u64(n)`: the unsigned 64-bit big-endian encoding.
 * @param n - an integer in `[0, 2^64-1]`
 * @returns 8 bytes
 * @throws IntegerEncodingError when `n` is not an integer or is out of range
 */
export function intToBytes(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  writeUint64(out, 0, n);
  return out;
}

/**
 * Decode `u64` bytes.
 * @param bytes - exactly 8 bytes
 * @returns the integer
 * @throws IntegerEncodingError when the length is not 8 or the value exceeds `Number.MAX_SAFE_INTEGER`
 */
export function intFromBytes(bytes: Uint8Array): number {
  checkLength(bytes, 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const value = view.getUint32(0, false) * TWO_POW_32 + view.getUint32(4, false);
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new IntegerEncodingError(
      `The 64-bit integer ${value} is above Number.MAX_SAFE_INTEGER and cannot be a number; decode it with bigIntFromBytes().`,
    );
  }
  return value;
}

/**
 * Decode `u64` bytes as a bigint (every value of the range is exact).
 * @param bytes - exactly 8 bytes
 * @returns the integer
 * @throws IntegerEncodingError when the length is not 8
 */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  checkLength(bytes, 8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
}

/**
 * `u64(a) ‖ SEP ‖ u64(b)`: the 17-byte pair used by window, collection and timestamped keys.
 * @param a - first integer (start, id, timestamp)
 * @param b - second integer (end, counter)
 * @returns 17 bytes
 * @throws IntegerEncodingError when either is out of range
 */
export function encodeIntegerPair(a: number | bigint, b: number | bigint): Uint8Array {
  const out = new Uint8Array(17);
  writeUint64(out, 0, a);
  out[8] = SEPARATOR[0]!;
  writeUint64(out, 9, b);
  return out;
}

/**
 * Decode {@link encodeIntegerPair}'s 17 bytes.
 * @param bytes - exactly 17 bytes
 * @returns `[a, b]`
 * @throws IntegerEncodingError when the length is not 17 or a value exceeds `Number.MAX_SAFE_INTEGER`
 */
export function decodeIntegerPair(bytes: Uint8Array): [number, number] {
  checkLength(bytes, 17);
  return [intFromBytes(bytes.subarray(0, 8)), intFromBytes(bytes.subarray(9, 17))];
}

/**
 * `base ‖ SEP ‖ u64(n)`: a key prefix that every pair key `base ‖ SEP ‖ u64(n) ‖ SEP ‖ ...` starts with.
 * @param base - the leading bytes (usually a prefix)
 * @returns `base.length + 9` bytes
 * @throws IntegerEncodingError when `n` is out of range
 */
export function appendInteger(base: Uint8Array, n: number | bigint): Uint8Array {
  const out = new Uint8Array(base.length + 9);
  out.set(base, 0);
  out[base.length] = SEPARATOR[0]!;
  writeUint64(out, base.length + 1, n);
  return out;
}

function writeUint64(out: Uint8Array, at: number, n: number | bigint): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) {
    view.setUint32(at, Math.floor(n / TWO_POW_32), false);
    view.setUint32(at + 4, n % TWO_POW_32, false);
    return;
  }
  let big: bigint;
  if (typeof n === 'bigint') big = n;
  else if (typeof n === 'number' && Number.isInteger(n)) big = BigInt(n);
  else {
    throw new IntegerEncodingError(
      `Cannot encode ${describeInteger(n)} as an unsigned 64-bit integer: it must be an integer in [0, 2^64-1].`,
    );
  }
  if (big < 0n || big > MAX_UINT64) {
    throw new IntegerEncodingError(
      `Cannot encode ${describeInteger(n)} as an unsigned 64-bit integer: it is outside [0, 2^64-1]. Timestamps, ids and counters in keys must not be negative.`,
    );
  }
  view.setBigUint64(at, big, false);
}

function checkLength(bytes: Uint8Array, expected: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
    const got = bytes instanceof Uint8Array ? `${bytes.length} bytes` : typeof bytes;
    throw new IntegerEncodingError(
      `Cannot decode an unsigned 64-bit integer encoding from ${got}: expected ${expected} bytes.`,
    );
  }
}

function describeInteger(n: unknown): string {
  return typeof n === 'bigint' ? `${n}n` : String(n);
}
