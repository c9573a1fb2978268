/**
 * {@link OverlayObjectStore}: an {@link ObjectStore} that reads through to another store and keeps
 * every write in memory, so the other store is never changed. `streamstate inspect` opens SlateDB
 * databases through it: the engine's open writes a new manifest (its writer epoch) and a fencing
 * WAL object, and those writes land here and vanish with the process, while the database in the
 * real store stays exactly as its writer left it. Internal: not exported from the package.
 *
 * Semantics: a key written or deleted here hides the underlying object; create-if-absent and
 * compare-and-swap check the object as this store shows it (overlay first, then the underlying
 * store); listings merge both, in the one key order of every store.
 *
 * @module
 */
import { compareKeys } from '../object-stores/key-order.js';
import { MemoryObjectStore } from '../object-stores/memory.js';
import {
  ObjectStoreError,
  type CopyOptions,
  type GetOptions,
  type GetResult,
  type HeadResult,
  type ObjectMeta,
  type ObjectStore,
  type ObjectVersion,
  type PutOptions,
} from '../object-stores/object-store.js';
import { alreadyExists, notFound, preconditionFailed } from '../object-stores/failures.js';

/** Reads from `base`, writes to memory; see the module documentation. */
export class OverlayObjectStore implements ObjectStore {
  readonly #base: ObjectStore;
  readonly #written = new MemoryObjectStore();
  readonly #deleted = new Set<string>();
  #writes = 0;

  /** @param base - the store read through to, never written */
  constructor(base: ObjectStore) {
    this.#base = base;
  }

  /** How many writes (puts, deletes, copies) the overlay has absorbed. */
  get absorbedWrites(): number {
    return this.#writes;
  }

  /** @inheritDoc */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    const mode = options.mode ?? 'overwrite';
    if (mode !== 'overwrite') {
      const current = await this.#headOrUndefined(key);
      if (mode === 'create') {
        if (current !== undefined) throw alreadyExists(key);
      } else {
        if (current === undefined) throw preconditionFailed(key, 'the object does not exist');
        if (current.etag !== mode.etag) throw preconditionFailed(key, `its etag is ${current.etag}, not ${mode.etag}`);
      }
    }
    this.#writes++;
    const version = await this.#written.put(key, data, options.metadata === undefined ? {} : { metadata: options.metadata });
    this.#deleted.delete(key);
    return version;
  }

  /** @inheritDoc */
  async get(key: string, options?: GetOptions): Promise<GetResult> {
    if (this.#deleted.has(key)) throw notFound(key);
    try {
      return await this.#written.get(key, options);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return this.#base.get(key, options);
  }

  /** @inheritDoc */
  async head(key: string): Promise<HeadResult> {
    if (this.#deleted.has(key)) throw notFound(key);
    try {
      return await this.#written.head(key);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return this.#base.head(key);
  }

  /** @inheritDoc */
  async list(prefix: string, options?: { offset?: string }): Promise<ObjectMeta[]> {
    const [base, written] = await Promise.all([this.#base.list(prefix, options), this.#written.list(prefix, options)]);
    const byKey = new Map<string, ObjectMeta>();
    for (const meta of base) if (!this.#deleted.has(meta.key)) byKey.set(meta.key, meta);
    for (const meta of written) byKey.set(meta.key, meta);
    return [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  /** @inheritDoc */
  async delete(key: string): Promise<void> {
    this.#writes++;
    await this.#written.delete(key);
    this.#deleted.add(key);
  }

  /** @inheritDoc */
  async copy(from: string, to: string, options: CopyOptions = {}): Promise<void> {
    const source = await this.get(from);
    await this.put(to, source.data, { mode: options.ifNotExists ? 'create' : 'overwrite', metadata: source.metadata });
  }

  async #headOrUndefined(key: string): Promise<HeadResult | undefined> {
    try {
      return await this.head(key);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ObjectStoreError ? error.code === 'NotFound' : (error as { code?: unknown })?.code === 'NotFound';
}
