/**
 * Errors only the SlateDB backend throws: a writer fenced by a newer one, and a lease lost while
 * the database was open. (Its lock and corruption errors, `SlateDBLockError` and
 * `SlateDBCorruptedError`, live in `../../errors.ts` because the state layer classifies them.)
 *
 * @module
 */
import { StreamstateError } from '../../errors.js';

/**
 * A newer writer opened this SlateDB database and SlateDB fenced this handle: its writes are
 * refused. Code `'SLATEDB_FENCED'`. The lease should have prevented it, so another process most
 * likely opened the database without the lease (or after this one's lease expired while it
 * stalled). Close this handle; the partition belongs to the newer writer.
 */
export class SlateDBFencedError extends StreamstateError {
  /** The path of the fenced database. */
  readonly path: string;
  /**
   * @param operation - what was attempted, for the message
   * @param options - `cause`, the engine's `FENCED` error
   */
  constructor(path: string, operation: string, options?: { cause?: unknown }) {
    super(
      'SLATEDB_FENCED',
      `Cannot ${operation}: the SlateDB database at "${path}" was opened by a newer writer, which fenced this handle. ` +
        'Close this handle and let the newer writer own the partition; check that no two processes use the same state location.',
      options,
    );
    this.path = path;
  }
}

/**
 * The lease object of a SlateDB database exists but cannot be read: it was changed outside
 * streamstate (a garbage or truncated `.lock` file, say), so nobody can tell whether it is held.
 * Code `'SLATEDB_LEASE_UNREADABLE'`. The lease holds no data: once no process has the partition
 * open, delete the lease object and open again. Opens are not retried on it, and the database is
 * not recreated for it (its data is not what is damaged).
 */
export class SlateDBLeaseUnreadableError extends StreamstateError {
  /** The path of the database whose lease cannot be read. */
  readonly path: string;
  /** The lease object's key in the database's object store. */
  readonly key: string;
  /**
   * @param key - the lease object's key
   * @param options - `cause`, the store's read failure
   */
  constructor(path: string, key: string, options?: { cause?: unknown }) {
    const cause = options?.cause;
    super(
      'SLATEDB_LEASE_UNREADABLE',
      `The lease object "${key}" of the SlateDB database at "${path}" exists but cannot be read ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); it was changed outside streamstate. ` +
        'The lease holds no data: once no process has this partition open, delete that object (for local files, the file ' +
        '".lock" in the partition directory) and open the partition again.',
      options,
    );
    this.path = path;
    this.key = key;
  }
}

/**
 * The lease that makes this handle the database's only writer could not be renewed before it
 * expired, or was taken over by another opener. Code `'SLATEDB_LEASE_LOST'`. Writes are refused
 * from then on, so two writers never interleave. Close the handle and open the database again
 * (the state layer does this when the partition is reassigned).
 */
export class SlateDBLeaseLostError extends StreamstateError {
  /** The path of the database whose lease was lost. */
  readonly path: string;
  /**
   * @param reason - why the lease is lost, for the message
   * @param options - `cause`, the failure that lost it
   */
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(
      'SLATEDB_LEASE_LOST',
      `The lease on the SlateDB database at "${path}" is lost (${reason}); this handle no longer writes. ` +
        'Close it and open the database again. If this repeats, the object store is slow or the event loop is blocked ' +
        'for longer than lockTtlMs: raise lockTtlMs.',
      options,
    );
    this.path = path;
  }
}

/**
 * A write was refused because this handle could not confirm its lease: the lease expires within
 * one renewal interval and renewing it just now did not help, either because the renewal failed
 * (the object store is unreachable or erroring) or because it succeeded so slowly that little of
 * the new lease is left (the object store or the event loop is slow). Code
 * `'SLATEDB_LEASE_UNCONFIRMED'`. Nothing was written, and the lease is not lost (yet): retry the
 * write (the next attempt renews again). The SlateDB backend retries it itself, a bounded number of
 * times, for an open's first write and for every write (transaction flush); this error reaches you
 * only when the lease is still unconfirmed after those attempts. If it does, raise `lockTtlMs`.
 */
export class SlateDBLeaseUnconfirmedError extends StreamstateError {
  /** The path of the database whose lease is unconfirmed. */
  readonly path: string;
  /**
   * @param reason - what the last renewal did, for the message
   * @param options - `cause`, the renewal's failure when it failed
   */
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(
      'SLATEDB_LEASE_UNCONFIRMED',
      `The lease on the SlateDB database at "${path}" expires too soon to write safely (${reason}), so this write was refused ` +
        'and nothing was written; retry it. If this repeats, raise lockTtlMs (and check the object store\'s latency and ' +
        'that the event loop is not blocked).',
      options,
    );
    this.path = path;
  }
}
