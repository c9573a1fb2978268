/**
 * Values, keys and prefixes as bytes.
 *
 * A stored key is `P ‖ SEP ‖ K` when the prefix `P` is non-empty and just `K` when it is empty,
 * where `K` is the key itself if it is bytes and `dumps(key)` otherwise; a prefix is likewise bytes
 * as given or `dumps(prefix)`. Values are `dumps(value)`.
 *
 * @module
 */
import { bytesRepr, concatBytes } from './bytes.js';
import { DEFAULT_PREFIX, SEPARATOR } from './constants.js';
import { StateSerializationError } from './errors.js';
import { jsonDumps, jsonLoads } from './json.js';

/** Turns a value (or a non-bytes key or prefix) into bytes. Must throw on what it cannot encode. */
export type Dumps = (value: unknown) => Uint8Array;
/** Turns bytes written by the matching {@link Dumps} back into a value. */
export type Loads = (bytes: Uint8Array) => unknown;

/** The default {@link Dumps}: compact JSON in UTF-8, byte-compatible with the reference (see `json.ts`). */
export const dumps: Dumps = jsonDumps;
/** The default {@link Loads}: JSON from UTF-8. */
export const loads: Loads = jsonLoads;

/**
 * Serialize a value for storage.
 * @param serialize - the store's `dumps`
 * @returns the bytes
 * @throws StateSerializationError when `serialize` throws or does not return a `Uint8Array`
 */
export function serializeValue(value: unknown, serialize: Dumps): Uint8Array {
  return encode(value, serialize, 'value');
}

/**
 * Deserialize a stored value.
 * @param bytes - the stored bytes
 * @param deserialize - the store's `loads`
 * @returns the value
 * @throws StateSerializationError when `deserialize` throws
 */
export function deserializeValue(bytes: Uint8Array, deserialize: Loads): unknown {
  try {
    return deserialize(bytes);
  } catch (cause) {
    throw new StateSerializationError(
      `Failed to deserialize value: "${bytesRepr(bytes)}": ${reason(cause)}. It was written with another serializer; open the store with the same dumps/loads it was written with.`,
      { cause },
    );
  }
}

/**
 * The stored form of a user key: `prefix ‖ SEP ‖ K`, or `K` when the prefix is empty.
 * @param key - bytes (used as is) or a value to serialize
 * @param prefix - the prefix bytes (already serialized)
 * @param serialize - the store's `dumps`
 * @returns the key bytes
 * @throws StateSerializationError when the key cannot be serialized
 */
export function serializeKey(key: unknown, prefix: Uint8Array, serialize: Dumps): Uint8Array {
  const keyBytes = key instanceof Uint8Array ? key : encode(key, serialize, 'key');
  return prefix.length === 0 ? keyBytes : concatBytes(prefix, SEPARATOR, keyBytes);
}

/**
 * The bytes of a prefix, as `asState(prefix)` converts it: bytes as given, anything else serialized.
 * @param prefix - bytes, a value to serialize, or `undefined` for the empty prefix
 * @param serialize - the store's `dumps`
 * @returns the prefix bytes
 * @throws StateSerializationError when the prefix cannot be serialized
 */
export function serializePrefix(prefix: unknown, serialize: Dumps): Uint8Array {
  if (prefix === undefined) return DEFAULT_PREFIX;
  return prefix instanceof Uint8Array ? prefix : encode(prefix, serialize, 'prefix');
}

function encode(value: unknown, serialize: Dumps, what: 'value' | 'key' | 'prefix'): Uint8Array {
  let bytes: unknown;
  try {
    bytes = serialize(value);
  } catch (cause) {
    throw new StateSerializationError(
      `Failed to serialize ${what}: "${describe(value)}": ${reason(cause)}. Store JSON-compatible data (plain objects, arrays, strings, finite numbers, booleans, null, 64-bit bigints), or give the store your own dumps/loads.`,
      { cause },
    );
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new StateSerializationError(
      `Failed to serialize ${what}: "${describe(value)}": dumps returned ${typeof bytes} instead of a Uint8Array. Make the store's dumps return bytes.`,
    );
  }
  return bytes;
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 64 ? `${value.slice(0, 64)}...` : value;
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[array of ${value.length}]`;
      return `[object ${Object.getPrototypeOf(value)?.constructor?.name ?? 'Object'}]`;
    default:
      return String(value);
  }
}
