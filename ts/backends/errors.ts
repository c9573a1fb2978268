/**
 * Errors shared by every backend: a closed database, a backend that cannot run here, an invalid
 * argument. Lock and corruption errors live in `../errors.ts` because the state layer classifies them.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';

/** A {@link BackendDatabase} was used after `close()`. Code `'BACKEND_CLOSED'`. */
export class BackendClosedError extends StreamstateError {
  /** The path of the closed database. */
  readonly path: string;
  /**
   * @param operation - what was attempted (e.g. `'get'`), for the message
   */
  constructor(path: string, operation: string) {
    super(
      'BACKEND_CLOSED',
      `Cannot ${operation}: the database at "${path}" is closed. Open it again with backend.open().`,
    );
    this.path = path;
  }
}

/**
 * The backend cannot run in this runtime (e.g. the RocksDB native addon is not installed or does
 * not load). Code `'BACKEND_UNAVAILABLE'`.
 */
export class BackendUnavailableError extends StreamstateError {
  /**
   * @param message - what is missing and which backend to use instead
   * @param options - `cause`, the underlying load error
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}

/** A backend method got an argument it cannot use. Code `'BACKEND_INVALID_ARGUMENT'`. */
export class BackendInvalidArgumentError extends StreamstateError {
  /** @param message - which argument is wrong and what it must be */
  constructor(message: string) {
    super('BACKEND_INVALID_ARGUMENT', message);
  }
}
