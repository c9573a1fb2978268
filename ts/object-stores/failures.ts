/**
 * Builders of the {@link ObjectStoreError}s the built-in stores throw, so every store words the same
 * failure the same way and says what to do about it. Internal: not exported from the package.
 *
 * @module
 */
import { ObjectStoreError } from './object-store.js';

/** The key is absent. */
export function notFound(key: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError(
    'NotFound',
    key,
    `object "${key}" does not exist; check the key, or write the object first`,
    { cause },
  );
}

/** A create-if-absent put (or copy with `ifNotExists`) found the key taken. */
export function alreadyExists(key: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError(
    'AlreadyExists',
    key,
    `object "${key}" already exists and mode 'create' never overwrites; read it, delete it first, ` +
      `or put with mode 'overwrite'`,
    { cause },
  );
}

/** A compare-and-swap put found another version than the caller's (or no object at all). */
export function preconditionFailed(key: string, found: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError(
    'Precondition',
    key,
    `compare-and-swap put on "${key}" failed: ${found}; read the object again (head) for its ` +
      `current etag, then retry or give up`,
    { cause },
  );
}

/** A ranged read starts at or past the end of the object. */
export function invalidRange(key: string, detail: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError(
    'InvalidRange',
    key,
    `range read of "${key}" is not satisfiable: ${detail}; read the object's size with head first`,
    { cause },
  );
}

/** An argument the store cannot accept. `detail` says which and what to pass instead. */
export function invalidArgument(key: string, detail: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError('InvalidArgument', key, detail, { cause });
}

/**
 * The object exists but its stored bytes cannot be read as an object (damaged outside the store).
 * `detail` says what is wrong and what to do.
 */
export function dataCorruption(key: string, detail: string, cause?: unknown): ObjectStoreError {
  return new ObjectStoreError('DataCorruption', key, detail, { cause });
}
