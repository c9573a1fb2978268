import { SlateDbError } from './errors.js';

/** SlateDB's limit on key length, in bytes. */
export const MAX_KEY_BYTES = 65535;

/**
 * Checks a key before it reaches the engine.
 * @throws SlateDbError `INVALID_ARGUMENT` for a non-`Uint8Array`, empty or oversized key.
 */
export function checkKey(key: unknown, what = 'key'): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) {
    throw new SlateDbError('INVALID_ARGUMENT', `${what} must be a Uint8Array, got ${describe(key)}`);
  }
  if (key.length === 0) {
    throw new SlateDbError('INVALID_ARGUMENT', `${what} must not be empty`);
  }
  if (key.length > MAX_KEY_BYTES) {
    throw new SlateDbError(
      'INVALID_ARGUMENT',
      `${what} is ${key.length} bytes; keys may be at most ${MAX_KEY_BYTES} bytes`,
    );
  }
}

/**
 * Checks a value before it reaches the engine.
 * @throws SlateDbError `INVALID_ARGUMENT` for a non-`Uint8Array`.
 */
export function checkValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SlateDbError('INVALID_ARGUMENT', `value must be a Uint8Array, got ${describe(value)}`);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** One operation of {@link encodedBatch}: a put when `value` is set, a delete when it is `undefined`. */
export interface PrefixedOperation {
  /** Bytes stored before `key` (a column family's prefix); may be empty. */
  readonly keyPrefix: Uint8Array;
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

let adopt: (batch: WriteBatch, encoded: Uint8Array, count: number) => WriteBatch;
const EMPTY = new Uint8Array(0);

/**
 * Internal (the SlateDB backend's write path): the batch of `operations`, each key stored as
 * `keyPrefix ‖ key`, encoded in one allocation so each byte is copied once (`put` copies twice:
 * when added and when encoded). The caller has checked that keys and values are `Uint8Array`s and
 * that every stored key is 1 to {@link MAX_KEY_BYTES} bytes.
 */
export function encodedBatch(operations: readonly PrefixedOperation[]): WriteBatch {
  return adopt(new WriteBatch(), encode(operations), operations.length);
}

/** The engine's wire format: per operation, 1 (put) or 0 (delete), u32le key length, key, and for a put u32le value length, value. */
function encode(operations: readonly PrefixedOperation[]): Uint8Array {
  let size = 0;
  for (const { keyPrefix, key, value } of operations) size += 5 + keyPrefix.length + key.length + (value === undefined ? 0 : 4 + value.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { keyPrefix, key, value } of operations) {
    out[at] = value === undefined ? 0 : 1;
    view.setUint32(at + 1, keyPrefix.length + key.length, true);
    out.set(keyPrefix, at + 5);
    out.set(key, at + 5 + keyPrefix.length);
    at += 5 + keyPrefix.length + key.length;
    if (value !== undefined) {
      view.setUint32(at, value.length, true);
      out.set(value, at + 4);
      at += 4 + value.length;
    }
  }
  return out;
}

/**
 * A set of puts and deletes applied atomically by {@link SlateDb.write}: after a crash either
 * all of them are visible or none. Later operations on the same key win. Bytes are copied when
 * added, so callers may reuse their arrays.
 */
export class WriteBatch {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #count = 0;

  static {
    adopt = (batch, encoded, count) => batch.#push(encoded, count);
  }

  /** Number of operations added. */
  get size(): number {
    return this.#count;
  }

  /**
   * Adds a put.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key or value.
   */
  put(key: Uint8Array, value: Uint8Array): this {
    checkKey(key);
    checkValue(value);
    return this.#push(encode([{ keyPrefix: EMPTY, key, value }]));
  }

  /**
   * Adds a delete.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key.
   */
  delete(key: Uint8Array): this {
    checkKey(key);
    return this.#push(encode([{ keyPrefix: EMPTY, key, value: undefined }]));
  }

  #push(chunk: Uint8Array, count = 1): this {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#count += count;
    return this;
  }

  /** The batch in the engine's wire format (internal). */
  encode(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const out = new Uint8Array(this.#bytes);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
