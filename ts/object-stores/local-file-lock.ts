/**
 * Per-key mutual exclusion for {@link LocalFileObjectStore}'s read-check-rename sequences
 * (compare-and-swap, overwrite, delete), within a process and across processes.
 *
 * Within a process, calls on one key queue on a promise chain. Across processes (and across store
 * instances on the same root), a lock file created with `open(..., 'wx')` beside the object is the
 * mutex: exclusive create is atomic on local file systems. A lock file left by a crashed process is
 * broken once it is older than `staleMs`; breaking is itself serialised by a second exclusive file,
 * and the lock is re-checked under it, so two waiters never both break the same lock and then steal
 * each other's. The remaining hole: a holder that stalls for longer than `staleMs` between taking
 * the lock and renaming (the work under the lock is a few file operations) can be overtaken.
 * Internal: not exported from the package.
 *
 * @module
 */
import { errorCode, type FileSystemPromisesLike } from './file-system.js';

/** Names that start with this are the store's own files; keys may not use it. */
export const RESERVED_NAME_PREFIX = '.streamstate~';
const LOCK_PREFIX = `${RESERVED_NAME_PREFIX}lock~`;
const BREAKER_PREFIX = `${RESERVED_NAME_PREFIX}break~`;

/** The longest file name a key segment may have, so its lock file names stay within 255 bytes. */
export const MAX_NAME_BYTES = 255 - Math.max(LOCK_PREFIX.length, BREAKER_PREFIX.length);

/** Run `work` holding the lock of the object file `name` in directory `dir`. */
export type KeyLocker = <T>(fs: FileSystemPromisesLike, dir: string, name: string, work: () => Promise<T>) => Promise<T>;

/**
 * Make a {@link KeyLocker} whose lock files count as abandoned after `staleMs` milliseconds.
 * Waiting for a lock never gives up: it ends when the holder releases it or the lock goes stale.
 */
export function createKeyLocker(staleMs: number): KeyLocker {
  const queues = new Map<string, Promise<void>>();

  return async function withKeyLock(fs, dir, name, work) {
    const file = `${dir}/${name}`;
    const previous = queues.get(file) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    queues.set(file, tail);
    await previous;
    try {
      const lockPath = `${dir}/${LOCK_PREFIX}${name}`;
      await acquire(fs, lockPath, `${dir}/${BREAKER_PREFIX}${name}`, staleMs);
      try {
        return await work();
      } finally {
        await fs.unlink(lockPath).catch(ignoreMissing);
      }
    } finally {
      done();
      if (queues.get(file) === tail) queues.delete(file);
    }
  };
}

async function acquire(fs: FileSystemPromisesLike, lockPath: string, breakerPath: string, staleMs: number) {
  for (let attempt = 0; ; attempt++) {
    try {
      await (await fs.open(lockPath, 'wx')).close();
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    await breakIfStale(fs, lockPath, breakerPath, staleMs);
    const backoff = Math.min(50, 2 ** Math.min(attempt, 6));
    await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random())));
  }
}

async function breakIfStale(fs: FileSystemPromisesLike, lockPath: string, breakerPath: string, staleMs: number) {
  if (!(await isStale(fs, lockPath, staleMs))) return;
  try {
    await (await fs.open(breakerPath, 'wx')).close();
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Another waiter is breaking the lock; only a breaker abandoned by a crash is ours to remove.
    if (await isStale(fs, breakerPath, staleMs)) await fs.unlink(breakerPath).catch(ignoreMissing);
    return;
  }
  try {
    // The lock may have been released and retaken since the first look: re-check under the breaker.
    if (await isStale(fs, lockPath, staleMs)) await fs.unlink(lockPath).catch(ignoreMissing);
  } finally {
    await fs.unlink(breakerPath).catch(ignoreMissing);
  }
}

async function isStale(fs: FileSystemPromisesLike, path: string, staleMs: number): Promise<boolean> {
  try {
    return Date.now() - Number((await fs.stat(path)).mtimeMs) >= staleMs;
  } catch (error) {
    ignoreMissing(error);
    return false;
  }
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
