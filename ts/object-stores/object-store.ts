/**
 * The object-store contract: what the SlateDB engine needs from the storage medium, in JavaScript.
 *
 * The wasm engine implements Rust's `object_store::ObjectStore` over this interface, so any object
 * that has these six methods can hold a SlateDB database: {@link MemoryObjectStore},
 * {@link LocalFileObjectStore}, {@link S3ObjectStore}, or your own (an R2 binding, GCS, ...).
 *
 * Keys are `/`-separated strings without a leading slash (`db/manifest/00000000000000000001.manifest`).
 * Bytes are `Uint8Array`. Every method is async. Failures the engine must tell apart are thrown as
 * {@link ObjectStoreError} with one of the codes in {@link ObjectStoreErrorCode}; anything else thrown is
 * treated as a generic (retryable) failure of the medium.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';

/** A version token of a stored object, used for compare-and-swap puts. */
export interface ObjectVersion {
  /** An entity tag that changes whenever the object's content changes. */
  etag?: string;
  /** A version identifier, for stores that have one (S3 versioned buckets). */
  version?: string;
}

/** What a store knows about one stored object. */
export interface ObjectMeta extends ObjectVersion {
  /** The object's key. */
  key: string;
  /** Its size in bytes. */
  size: number;
  /** When it was last written, in milliseconds since the Unix epoch. */
  lastModified: number;
}

/**
 * How a put behaves when the key already exists.
 * - `'overwrite'` (the default): replace whatever is there.
 * - `'create'`: create-if-absent; throw `AlreadyExists` when the key exists.
 * - `{ etag, version }`: compare-and-swap; replace only if the stored object has this etag, else
 *   throw `Precondition` (also when the key does not exist). `etag` is required (`InvalidArgument`
 *   without it). `version` is compared only by stores that track versions; the built-in stores do not
 *   (S3's `If-Match` compares the etag alone), so they ignore it.
 *
 * Etags identify content versions of one key: the memory and local-file stores mint a new etag on
 * every write; S3 derives it from the content, so rewriting identical bytes keeps the etag.
 */
export type PutMode = 'overwrite' | 'create' | ObjectVersion;

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /** See {@link PutMode}. Default `'overwrite'`. */
  mode?: PutMode;
  /** User metadata stored with the object and returned, unchanged, by `get` and `head`. */
  metadata?: Record<string, string>;
}

/**
 * A byte range to read: `{ offset, length }` reads `length` bytes from `offset` (to the end when
 * `length` is omitted); `{ suffix }` reads the last `suffix` bytes.
 */
export type ByteRange = { offset: number; length?: number } | { suffix: number };

/** Options of {@link ObjectStore.get}. */
export interface GetOptions {
  /** Read only this range. A range that starts past the end throws `InvalidRange`. */
  range?: ByteRange;
}

/** The answer of {@link ObjectStore.get}. */
export interface GetResult {
  /** The bytes read (the requested range, or the whole object). */
  data: Uint8Array;
  /** The object's metadata (size is the whole object's size, not the range's). */
  meta: ObjectMeta;
  /** Offset of `data[0]` within the object. */
  offset: number;
  /** The user metadata stored with the object (`{}` when none). */
  metadata: Record<string, string>;
}

/** The answer of {@link ObjectStore.head}. */
export interface HeadResult extends ObjectMeta {
  /** The user metadata stored with the object (`{}` when none). */
  metadata: Record<string, string>;
}

/** Options of {@link ObjectStore.copy}. */
export interface CopyOptions {
  /** Throw `AlreadyExists` instead of overwriting when the destination exists. */
  ifNotExists?: boolean;
}

/**
 * The storage medium under a SlateDB database. Implementations must make `put` with mode `'create'`
 * and compare-and-swap atomic (SlateDB's manifest and writer fencing rely on it), must never expose a
 * partially written object, and must round-trip user metadata.
 */
export interface ObjectStore {
  /**
   * Where the objects are, for log lines and messages (`s3://bucket/prefix`, a directory); a key
   * is shown as `<location>/<key>`. Optional: a store without it is shown by its class name.
   */
  readonly location?: string;
  /** Store `data` under `key`. Returns the new object's version. */
  put(key: string, data: Uint8Array, options?: PutOptions): Promise<ObjectVersion>;
  /** Read an object, or a range of it. Throws `NotFound` when absent. */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Read an object's metadata. Throws `NotFound` when absent. */
  head(key: string): Promise<HeadResult>;
  /**
   * List every object whose key starts with `prefix` (a plain string prefix), in ascending key order.
   * With `offset`, only keys strictly greater than `offset` are returned.
   */
  list(prefix: string, options?: { offset?: string }): Promise<ObjectMeta[]>;
  /** Delete an object. Deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /** Copy `from` to `to`. Throws `NotFound` when `from` is absent. */
  copy(from: string, to: string, options?: CopyOptions): Promise<void>;
}

/**
 * The failures the engine distinguishes. `NotFound`, `AlreadyExists` and `Precondition` are answers
 * SlateDB acts on; `InvalidRange` and `InvalidArgument` are permanent failures it reports without
 * retrying; `DataCorruption` (the object is there but its stored bytes cannot be read, e.g. a local
 * file damaged outside the store) is permanent too, and the engine reports it as
 * `DATA_CORRUPTION`. Any other error (a network failure, a throttled request, a rejection that
 * carries no code) is treated as transient and retried by SlateDB with backoff, at most
 * `objectStoreMaxRetries` times (default 20, about 17 s), each retry logged at warn; then it fails
 * the call. A `ReferenceError` or `SyntaxError` (a bug, never transient) is not retried.
 */
export type ObjectStoreErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Precondition'
  | 'InvalidRange'
  | 'InvalidArgument'
  | 'DataCorruption';

/**
 * An object-store failure the engine (and callers) can classify by its {@link code}. Part of the one
 * streamstate error hierarchy (`instanceof StreamstateError` holds), so callers that catch library
 * errors generically see these too.
 */
export class ObjectStoreError extends StreamstateError {
  /** Which failure this is; see {@link ObjectStoreErrorCode}. */
  declare readonly code: ObjectStoreErrorCode;
  /** The key the failing call was about. */
  readonly key: string;

  /**
   * @param code - which failure
   * @param key - the object key concerned
   * @param message - what happened and what to do
   * @param options - `cause`, when wrapping a lower-level error (an fs or S3 SDK error)
   */
  constructor(code: ObjectStoreErrorCode, key: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.key = key;
  }
}

/** The method names every {@link ObjectStore} must have; used to validate user-supplied stores. */
export const OBJECT_STORE_METHODS = ['put', 'get', 'head', 'list', 'delete', 'copy'] as const;

/**
 * Check that `store` has every method of {@link ObjectStore}.
 * @throws TypeError naming the missing methods.
 */
export function assertObjectStore(store: unknown): asserts store is ObjectStore {
  if (store === null || typeof store !== 'object') {
    throw new TypeError(
      'objectStore must be an object implementing the ObjectStore interface ' +
        '(put, get, head, list, delete, copy); pass e.g. new MemoryObjectStore()',
    );
  }
  const missing = OBJECT_STORE_METHODS.filter(
    (m) => typeof (store as Record<string, unknown>)[m] !== 'function',
  );
  if (missing.length > 0) {
    throw new TypeError(
      `objectStore is missing method(s) ${missing.join(', ')}: an ObjectStore needs ` +
        `${OBJECT_STORE_METHODS.join(', ')} (see the ObjectStore interface)`,
    );
  }
}
