/**
 * Classify what the addon throws when opening fails: another opener holds the LOCK file, or the
 * files are corrupted (or one it needs, such as the MANIFEST, is missing). The addon wraps RocksDB's status in an abstract-level error
 * (`LEVEL_DATABASE_NOT_OPEN`) whose `cause` carries RocksDB's message and a `LEVEL_*` code.
 *
 * @module
 */
import { RocksDBCorruptedError, RocksDBLockError } from '../../errors.js';

/**
 * The innermost error of a `cause` chain, where RocksDB's own status message is.
 * @param error - what the addon threw
 * @returns the deepest `cause` (or `error` itself)
 */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
  }
  return current;
}

/**
 * Whether an open failure means another opener holds the database's LOCK file.
 */
export function isLockFailure(error: unknown): boolean {
  const cause = rootCause(error) as { code?: unknown; message?: unknown } | undefined;
  const message = String(cause?.message ?? '');
  return cause?.code === 'LEVEL_LOCKED' || (/^io error/i.test(message) && /lock/i.test(message));
}

/**
 * Whether an open failure means the database's files are corrupted (RocksDB's `Corruption` status:
 * a garbage CURRENT file or MANIFEST, a bad checksum, ...).
 */
export function isCorruption(error: unknown): boolean {
  const cause = rootCause(error) as { code?: unknown; message?: unknown } | undefined;
  return cause?.code === 'LEVEL_CORRUPTION' || /^corruption/i.test(String(cause?.message ?? ''));
}

/**
 * Whether an open failure means a file the database refers to is gone (RocksDB reports it as an
 * IO error, not a corruption): the MANIFEST that CURRENT names, an SST, a WAL or blob file. The
 * database cannot be opened until it is rebuilt, so it counts as corrupted.
 */
export function isMissingDatabaseFile(error: unknown): boolean {
  const cause = rootCause(error) as { code?: unknown; message?: unknown } | undefined;
  const message = String(cause?.message ?? '');
  return (
    (cause?.code === 'LEVEL_IO_ERROR' || /^io error/i.test(message)) &&
    /no such file or directory/i.test(message) &&
    /[\\/](MANIFEST-\d+|\d+\.(sst|log|blob))\b/.test(message)
  );
}

/**
 * The message of RocksDB's status behind an addon error.
 */
export function rocksDbMessage(error: unknown): string {
  const cause = rootCause(error) as { message?: unknown } | undefined;
  return String(cause?.message ?? error);
}

/**
 * Turn an open failure into the error the state layer classifies, when it is one.
 * @param error - what the addon threw
 * @returns a {@link RocksDBLockError} or {@link RocksDBCorruptedError}, or `error` unchanged
 */
export function classifyOpenError(path: string, error: unknown): unknown {
  if (isLockFailure(error)) {
    return new RocksDBLockError(
      path,
      `The RocksDB database at "${path}" is locked by another process (or another open handle) ` +
        `(${rocksDbMessage(error)}). Close the other opener, or wait for it and retry.`,
      { cause: error },
    );
  }
  if (isCorruption(error) || isMissingDatabaseFile(error)) {
    const what = isCorruption(error) ? 'is corrupted' : 'is corrupted: a file it refers to is missing';
    return new RocksDBCorruptedError(
      path,
      `The RocksDB database at "${path}" ${what} (${rocksDbMessage(error)}). Destroy it and rebuild ` +
        `it from the changelog (the store does this with onCorruptedRecreate), or restore it from a backup.`,
      { cause: error },
    );
  }
  return error;
}

/**
 * Turn a failure of a read or write on an open database into a {@link RocksDBCorruptedError} when
 * RocksDB reports corruption (a block checksum mismatch in an SST, ...); other errors unchanged.
 * @param operation - what failed (`'get'`, `'iterate'`, `'write'`), for the message
 * @param error - what the addon threw
 */
export function classifyUseError(path: string, operation: string, error: unknown): unknown {
  if (!isCorruption(error)) return error;
  return new RocksDBCorruptedError(
    path,
    `A ${operation} on the RocksDB database at "${path}" met a corrupted file (${rocksDbMessage(error)}). ` +
      `Close the partition, destroy it and rebuild it from the changelog (reassigning it does this with ` +
      `onCorruptedRecreate once the corruption is found at open), or restore it from a backup.`,
    { cause: error },
  );
}
