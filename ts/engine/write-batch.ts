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

/**
 * A set of puts and deletes applied atomically by {@link SlateDb.write}: after a crash either
 * all of them are visible or none. Later operations on the same key win. Bytes are copied when
 * added, so callers may reuse their arrays.
 */
export class WriteBatch {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #count = 0;

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
    const chunk = new Uint8Array(1 + 4 + key.length + 4 + value.length);
    const view = new DataView(chunk.buffer);
    chunk[0] = 1;
    view.setUint32(1, key.length, true);
    chunk.set(key, 5);
    view.setUint32(5 + key.length, value.length, true);
    chunk.set(value, 9 + key.length);
    return this.#push(chunk);
  }

  /**
   * Adds a delete.
   * @throws SlateDbError `INVALID_ARGUMENT` for a bad key.
   */
  delete(key: Uint8Array): this {
    checkKey(key);
    const chunk = new Uint8Array(1 + 4 + key.length);
    chunk[0] = 0;
    new DataView(chunk.buffer).setUint32(1, key.length, true);
    chunk.set(key, 5);
    return this.#push(chunk);
  }

  #push(chunk: Uint8Array): this {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#count += 1;
    return this;
  }

  /** The batch in the engine's wire format (internal). */
  encode(): Uint8Array {
    const out = new Uint8Array(this.#bytes);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
