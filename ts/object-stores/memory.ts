/**
 * {@link MemoryObjectStore}: objects in a `Map`, for tests and ephemeral databases.
 *
 * @module
 */
import type {
  CopyOptions,
  GetOptions,
  GetResult,
  HeadResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutOptions,
} from './object-store.js';
import {
  checkBytes,
  checkKey,
  checkListArguments,
  checkMetadata,
  checkRange,
  resolvePutMode,
  resolveRange,
} from './arguments.js';
import { alreadyExists, notFound, preconditionFailed } from './failures.js';
import { compareKeys } from './key-order.js';

interface StoredObject {
  data: Uint8Array;
  etag: string;
  lastModified: number;
  metadata: Record<string, string>;
}

/**
 * An {@link ObjectStore} that keeps every object in process memory. Bytes are copied on the way in
 * and out, so callers may reuse or mutate their arrays. Every write mints a new etag. Each call
 * finishes its check-and-write without awaiting, so create-if-absent and compare-and-swap are atomic
 * within the process. Nothing survives the process; share one instance (or use the location
 * `memory://name`, see {@link objectStoreFromLocation}) to reopen a database within it.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly #objects = new Map<string, StoredObject>();
  #writes = 0;

  /**
   * Store `data` under `key`.
   * @throws ObjectStoreError `AlreadyExists` (mode `'create'`), `Precondition` (compare-and-swap),
   *   `InvalidArgument`
   */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    checkKey(key);
    checkBytes(key, data);
    const mode = resolvePutMode(key, options.mode);
    const metadata = checkMetadata(key, options.metadata);
    const current = this.#objects.get(key);
    if (mode.kind === 'create' && current) throw alreadyExists(key);
    if (mode.kind === 'swap') {
      if (!current) throw preconditionFailed(key, 'the object does not exist');
      if (current.etag !== mode.etag) {
        throw preconditionFailed(key, `its etag is ${current.etag}, not ${mode.etag}`);
      }
    }
    const etag = `m${++this.#writes}`;
    this.#objects.set(key, { data: data.slice(), etag, lastModified: Date.now(), metadata });
    return { etag };
  }

  /**
   * Read an object or a range of it.
   * @throws ObjectStoreError `NotFound`, `InvalidRange`, `InvalidArgument`
   */
  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    checkKey(key);
    const range = options.range === undefined ? undefined : checkRange(key, options.range);
    const stored = this.#require(key);
    const size = stored.data.length;
    const { start, end } = range ? resolveRange(key, range, size) : { start: 0, end: size };
    return {
      data: stored.data.slice(start, end),
      meta: metaOf(key, stored),
      offset: start,
      metadata: { ...stored.metadata },
    };
  }

  /**
   * Read an object's metadata.
   * @throws ObjectStoreError `NotFound`, `InvalidArgument`
   */
  async head(key: string): Promise<HeadResult> {
    checkKey(key);
    const stored = this.#require(key);
    return { ...metaOf(key, stored), metadata: { ...stored.metadata } };
  }

  /** List objects whose key starts with `prefix`, ascending, keys strictly after `offset` if given. */
  async list(prefix: string, options: { offset?: string } = {}): Promise<ObjectMeta[]> {
    const { offset } = options;
    checkListArguments(prefix, offset);
    const found: ObjectMeta[] = [];
    for (const [key, stored] of this.#objects) {
      if (!key.startsWith(prefix)) continue;
      if (offset !== undefined && compareKeys(key, offset) <= 0) continue;
      found.push(metaOf(key, stored));
    }
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Delete an object; deleting an absent key succeeds. */
  async delete(key: string): Promise<void> {
    checkKey(key);
    this.#objects.delete(key);
  }

  /**
   * Copy `from` to `to`, with its user metadata, as a new version (new etag).
   * @throws ObjectStoreError `NotFound` (no `from`), `AlreadyExists` (`ifNotExists` and `to` exists)
   */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<void> {
    checkKey(from);
    checkKey(to);
    const source = this.#require(from);
    if (options.ifNotExists && this.#objects.has(to)) throw alreadyExists(to);
    // Stored bytes are never mutated in place, so the copy may share them.
    this.#objects.set(to, { ...source, etag: `m${++this.#writes}`, lastModified: Date.now() });
  }

  #require(key: string): StoredObject {
    const stored = this.#objects.get(key);
    if (!stored) throw notFound(key);
    return stored;
  }
}

function metaOf(key: string, stored: StoredObject): ObjectMeta {
  return { key, size: stored.data.length, lastModified: stored.lastModified, etag: stored.etag };
}
