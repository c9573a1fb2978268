/**
 * The default serializer: compact JSON in UTF-8, with the byte output of the reference (Python's
 * `orjson`) wherever JavaScript values allow it:
 * - no whitespace; object keys in insertion order (JavaScript puts integer-like keys first);
 * - `null`, `true`, `false`; `NaN` and `±Infinity` become `null`;
 * - a number that is a safe integer is written as an integer; any other number is a float in the
 *   shortest round-trip form with Python's layout (`1.0`, `1e+20`, `1.5e-7`);
 * - a `bigint` in `[-2^63, 2^64-1]` is written as an exact integer (decoded back as a number);
 * - strings raw in UTF-8, control characters escaped; lone surrogates are refused;
 * - only plain objects and arrays nest. `undefined`, functions, symbols, `Date`, `Map`, `Set`, typed
 *   arrays, class instances, circular structures and out-of-range bigints are refused instead of
 *   being coerced the way `JSON.stringify` does, so what is read back is what was written.
 *
 * @module
 */
import { utf8Decode, utf8Encode } from './bytes.js';

const MIN_INT64 = -(2n ** 63n);
const MAX_UINT64 = 2n ** 64n - 1n;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Serialize a value to compact JSON text, refusing what JSON cannot round-trip.
 * @returns the JSON text
 * @throws TypeError naming the offending part (e.g. `$.when: Date is not JSON-serializable`)
 */
export function jsonStringify(value: unknown): string {
  return write(value, []);
}

/**
 * The default `dumps`: {@link jsonStringify} as UTF-8 bytes.
 * @returns the bytes
 * @throws TypeError when the value is not JSON-serializable
 */
export function jsonDumps(value: unknown): Uint8Array {
  return utf8Encode(write(value, []));
}

/**
 * The default `loads`: parse UTF-8 JSON bytes.
 * @returns the value
 * @throws TypeError on invalid UTF-8, SyntaxError on invalid JSON
 */
export function jsonLoads(bytes: Uint8Array): unknown {
  return JSON.parse(utf8Decode(bytes));
}

// `trail` holds the containers being written and, after each, the member being written in it:
// cycle detection and, only when something is refused, the path in the message.
type Trail = unknown[];

function write(value: unknown, trail: Trail): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) refuse(trail, 'a string with a lone surrogate (not encodable as UTF-8)');
      return JSON.stringify(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      if (value < MIN_INT64 || value > MAX_UINT64) refuse(trail, `the bigint ${value}n, outside the 64-bit integer range [-2^63, 2^64-1]`);
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      return writeObject(value, trail);
    default:
      return refuse(trail, typeof value === 'function' ? 'a function' : typeof value);
  }
}

function writeObject(value: object, trail: Trail): string {
  for (let i = 0; i < trail.length; i += 2) if (trail[i] === value) refuse(trail, 'a circular reference');
  let text: string;
  if (Array.isArray(value)) {
    trail.push(value, 0);
    text = '[';
    for (let i = 0; i < value.length; i++) {
      trail[trail.length - 1] = i;
      text += (i === 0 ? '' : ',') + write(value[i], trail);
    }
    text += ']';
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      refuse(trail, `a ${proto?.constructor?.name ?? 'non-plain'} object (only plain objects and arrays nest)`);
    }
    trail.push(value, '');
    text = '{';
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      trail[trail.length - 1] = key;
      text += `${first ? '' : ','}${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], trail)}`;
      first = false;
    }
    text += '}';
  }
  trail.length -= 2;
  return text;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  // Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on.
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  const fixed = String(n);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

function refuse(trail: Trail, what: string): never {
  let path = '$';
  for (let i = 1; i < trail.length; i += 2) path += typeof trail[i] === 'number' ? `[${trail[i]}]` : `.${String(trail[i])}`;
  throw new TypeError(`${path} is ${what}, which is not JSON-serializable`);
}
