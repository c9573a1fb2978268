/**
 * The one error hierarchy of streamstate. Every error the library throws on purpose is a
 * {@link StreamstateError} with a stable {@link StreamstateError.code}; match on `code` (or
 * `instanceof`), never on the message, which says what happened and what to do next and may change.
 *
 * Layers add their own subclasses (engine errors in `engine/errors.ts`, state errors in
 * `state/errors.ts`); the backend-level ones that several layers classify live here.
 *
 * @module
 */

/** Base class of every streamstate error. */
export class StreamstateError extends Error {
  /** A stable, machine-readable identifier of the failure (e.g. `'STATE_LOCKED'`). */
  readonly code: string;

  /**
   * @param code - stable identifier of the failure
   * @param message - what happened and what the caller should do
   * @param options - `cause`, when wrapping another error
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A partition database is held by another opener (another process, or another open handle). The
 * open-retry loop retries on this error with backoff; backends throw a subclass
 * (`RocksDBLockError`, `SlateDBLockError`) once retries are exhausted.
 */
export class StoreLockError extends StreamstateError {
  /** The partition path that could not be locked. */
  readonly path: string;
  /**
   * @param path - the partition path
   * @param message - what happened and what to do
   * @param options - `cause`; `code` overrides the default `'STORE_LOCKED'`
   */
  constructor(path: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'STORE_LOCKED', message, options);
    this.path = path;
  }
}

/**
 * A partition database cannot be opened because its files or objects are corrupted. With
 * `onCorruptedRecreate` and a changelog, the store deletes it and rebuilds it from the changelog.
 */
export class StoreCorruptedError extends StreamstateError {
  /** The partition path whose database is corrupted. */
  readonly path: string;
  /**
   * @param path - the partition path
   * @param message - what happened and what to do
   * @param options - `cause`; `code` overrides the default `'STORE_CORRUPTED'`
   */
  constructor(path: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'STORE_CORRUPTED', message, options);
    this.path = path;
  }
}

/** The RocksDB partition is locked by another process (LOCK file held), after all retries. */
export class RocksDBLockError extends StoreLockError {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'ROCKSDB_LOCKED' });
  }
}

/** The RocksDB partition's files are corrupted. */
export class RocksDBCorruptedError extends StoreCorruptedError {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'ROCKSDB_CORRUPTED' });
  }
}

/** The SlateDB partition is held by another writer (lock file or lease object), after all retries. */
export class SlateDBLockError extends StoreLockError {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'SLATEDB_LOCKED' });
  }
}

/** The SlateDB partition's objects (manifest, SSTs, WAL) are corrupted. */
export class SlateDBCorruptedError extends StoreCorruptedError {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'SLATEDB_CORRUPTED' });
  }
}
