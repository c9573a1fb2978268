/**
 * The default serializer: compact JSON in UTF-8, with the byte output of the reference (Python's
 * `orjson`) wherever JavaScript values allow it (spec §3.1):
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
 * @param value - the value
 * @returns the JSON text
 * @throws TypeError naming the offending part (e.g. `$.when: Date is not JSON-serializable`)
 */
export function jsonStringify(value: unknown): string {
  return write(value, '$', []);
}

/**
 * The default `dumps`: {@link jsonStringify} as UTF-8 bytes.
 * @param value - the value
 * @returns the bytes
 * @throws TypeError when the value is not JSON-serializable
 */
export function jsonDumps(value: unknown): Uint8Array {
  return utf8Encode(write(value, '$', []));
}

/**
 * The default `loads`: parse UTF-8 JSON bytes.
 * @param bytes - the bytes
 * @returns the value
 * @throws TypeError on invalid UTF-8, SyntaxError on invalid JSON
 */
export function jsonLoads(bytes: Uint8Array): unknown {
  return JSON.parse(utf8Decode(bytes));
}

function write(value: unknown, path: string, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) refuse(path, 'a string with a lone surrogate (not encodable as UTF-8)');
      return JSON.stringify(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      if (value < MIN_INT64 || value > MAX_UINT64) refuse(path, `the bigint ${value}n, outside the 64-bit integer range [-2^63, 2^64-1]`);
      return value.toString();
    case 'object':
      if (value === null) return 'null';
      return writeObject(value, path, ancestors);
    default:
      return refuse(path, typeof value === 'function' ? 'a function' : typeof value);
  }
}

function writeObject(value: object, path: string, ancestors: object[]): string {
  if (ancestors.includes(value)) refuse(path, 'a circular reference');
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(write(value[i], `${path}[${i}]`, ancestors));
    text = `[${items.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      refuse(path, `a ${proto?.constructor?.name ?? 'non-plain'} object (only plain objects and arrays nest)`);
    }
    const members: string[] = [];
    for (const key of Object.keys(value)) {
      const member = write((value as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      members.push(`${JSON.stringify(key)}:${member}`);
    }
    text = `{${members.join(',')}}`;
  }
  ancestors.pop();
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

function refuse(path: string, what: string): never {
  throw new TypeError(`${path} is ${what}, which is not JSON-serializable`);
}
