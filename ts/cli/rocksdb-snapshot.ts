/**
 * A private copy of a RocksDB directory for `streamstate inspect`, so inspecting never writes to
 * the user's state: opening a RocksDB directory (the addon has no read-only open) rewrites its
 * MANIFEST, OPTIONS and LOG files and flushes its WAL into a new SST. The copy is opened instead.
 *
 * The copy is made under the database's own lock, so no writer changes the files mid-copy, and a
 * running writer makes it fail at once instead:
 * 1. The directory's `LOCK` file is hard-linked into an empty scratch directory, which RocksDB
 *    opens: RocksDB's lock is a POSIX record lock on that file's inode, so this takes the real
 *    database's lock (or fails with `ROCKSDB_LOCKED` when a writer holds it) without touching the
 *    database directory.
 * 2. Immutable files (SSTs, blob files) are hard-linked, the others (CURRENT, MANIFEST, OPTIONS,
 *    WAL logs, IDENTITY) copied; LOG files are skipped.
 * 3. The lock is released (the scratch database closed); the copy is opened on its own.
 *
 * When the scratch directory is on another file system (no hard links), the lock is checked in
 * `/proc/locks` (Linux) instead, and files are copied; without `/proc/locks` it refuses, naming
 * the way out (a scratch directory on the same file system).
 *
 * @module
 */
import { RocksDBLockError, StreamstateError } from '../errors.js';
import { rocksDbBackend } from '../backends/rocksdb/rocksdb-backend.js';
import type { RocksDbDatabase } from '../backends/rocksdb/rocksdb-database.js';

/** A copied RocksDB directory, open. */
export interface RocksDbSnapshot {
  /** The open copy. */
  readonly database: RocksDbDatabase;
  /** Close the copy and delete it. */
  close(): Promise<void>;
}

const IMMUTABLE = /^\d+\.(sst|blob)$/;
const SKIPPED = /^(LOCK|LOG(\.old\..*)?)$/;

/**
 * Copy the RocksDB directory `directory` under its lock and open the copy.
 * @param directory - an absolute RocksDB directory
 * @param scratchRoot - where the copy is made (best on the same file system)
 * @returns the open copy
 * @throws RocksDBLockError (`ROCKSDB_LOCKED`) when a running writer holds the database
 * @throws StreamstateError `INSPECT_LOCK_UNKNOWN` when the lock cannot be checked
 */
export async function openRocksDbSnapshot(directory: string, scratchRoot: string): Promise<RocksDbSnapshot> {
  const { mkdtemp, link, copyFile, readdir, rm, stat, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const scratch = await mkdtemp(join(scratchRoot, 'streamstate-inspect-'));
  const lockDir = join(scratch, 'lock');
  const copyDir = join(scratch, 'copy');
  const cleanup = (): Promise<void> => rm(scratch, { recursive: true, force: true });
  try {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(lockDir);
    await mkdir(copyDir);
    let lockHolder: RocksDbDatabase | undefined;
    const lockFile = join(directory, 'LOCK');
    const hasLock = await stat(lockFile).then(() => true, () => false);
    if (hasLock) {
      let linked = true;
      try {
        await link(lockFile, join(lockDir, 'LOCK'));
      } catch {
        linked = false;
      }
      if (linked) {
        try {
          lockHolder = await rocksDbBackend.open(lockDir);
        } catch (error) {
          if ((error as StreamstateError).code === 'ROCKSDB_LOCKED') throw lockedError(directory, error);
          throw error;
        }
      } else {
        const { ino } = await stat(lockFile);
        const locks = await readFile('/proc/locks', 'utf8').catch(() => undefined);
        if (locks === undefined) {
          throw new StreamstateError(
            'INSPECT_LOCK_UNKNOWN',
            `Cannot tell whether a writer holds the RocksDB database at "${directory}": its LOCK file cannot be hard-linked into "${scratchRoot}" ` +
              '(another file system) and this system has no /proc/locks. Pass --tmp-dir with a directory on the same file system as the state.',
          );
        }
        if (locks.split('\n').some((line) => line.split(/\s+/)[5]?.endsWith(`:${ino}`))) throw lockedError(directory, undefined);
      }
    }
    try {
      for (const name of await readdir(directory)) {
        if (SKIPPED.test(name)) continue;
        const from = join(directory, name);
        const to = join(copyDir, name);
        if (!(await stat(from)).isFile()) continue;
        if (IMMUTABLE.test(name)) {
          try {
            await link(from, to);
            continue;
          } catch {
            // another file system: copy below
          }
        }
        await copyFile(from, to);
      }
    } finally {
      await lockHolder?.close();
    }
    const database = await rocksDbBackend.open(copyDir);
    return {
      database,
      async close() {
        await database.close().finally(cleanup);
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function lockedError(directory: string, cause: unknown): RocksDBLockError {
  return new RocksDBLockError(
    directory,
    `The RocksDB database at "${directory}" is locked by a running writer (its LOCK file is held). ` +
      'inspect does not take a lock a writer holds: stop the application (or revoke the partition) and run it again.',
    { cause },
  );
}
