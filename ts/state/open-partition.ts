/**
 * Opening a partition database: retry with backoff while another opener holds the
 * lock, and recreate a corrupted database when the store can rebuild it from its changelog.
 *
 * @module
 */
import type { Backend, BackendDatabase, BackendOpenOptions } from '../backends/backend.js';
import { StoreCorruptedError, StoreLockError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { StoreOpenAborted } from './errors.js';
import type { OpenDeadline } from './open-deadline.js';
import type { ResolvedStoreOptions } from './options.js';

/** Makes the backend-specific errors a failed open ends with. */
export interface StoreBackendErrors {
  /** The lock error thrown once retries are exhausted (e.g. `RocksDBLockError`). */
  lock(path: string, message: string, options: { cause: unknown }): StoreLockError;
  /** The corruption error thrown when the database cannot be recreated (e.g. `RocksDBCorruptedError`). */
  corrupted(path: string, message: string, options: { cause: unknown }): StoreCorruptedError;
  /** The error thrown when the signal aborts a wait (e.g. `RocksDBOpenAborted`). */
  openAborted(path: string, message: string): StoreOpenAborted;
}

/** Everything {@link openPartitionDatabase} needs. */
export interface OpenPartitionRequest {
  /** The backend to open with. */
  backend: Backend;
  /** The partition path. */
  path: string;
  /** Passed to `backend.open`. */
  openOptions: BackendOpenOptions;
  /** The backend's name for messages, e.g. `'rocksdb'`. */
  backendLabel: string;
  /** The backend's errors. */
  errors: StoreBackendErrors;
  /** Retry and corruption settings. */
  options: Pick<ResolvedStoreOptions, 'openMaxRetries' | 'openRetryBackoffMs' | 'onCorruptedRecreate'>;
  /** Whether the store has a changelog to rebuild a recreated database from. */
  hasChangelog: boolean;
  /** Aborts a wait between attempts (the application is stopping). */
  signal?: AbortSignal | undefined;
  /** Stops retrying when it passes. */
  deadline?: OpenDeadline | undefined;
  /** Where the lines go. */
  logger: Logger;
  /** The tail of each log line (store, stream, partition, path). */
  logContext: string;
}

/**
 * Open a partition database, retrying on lock contention and recreating it when corrupted.
 * Attempts: `max(1, openMaxRetries)`, `openRetryBackoffMs` apart; one warning per retry.
 * @param request - what to open and how
 * @returns the open database
 * @throws the backend's lock error when retries are exhausted or the deadline passes
 * @throws the backend's open-aborted error when `signal` aborts before or between attempts
 * @throws the backend's corrupted error when the store has no changelog, `onCorruptedRecreate` is
 *   false, or the recreated database is corrupted again
 * @throws any other open error at once
 */
export async function openPartitionDatabase(request: OpenPartitionRequest): Promise<BackendDatabase> {
  const { backend, path, backendLabel: label, errors, options, logger, logContext, signal, deadline } = request;
  const maxAttempts = Math.max(1, options.openMaxRetries);
  let recreated = false;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError(request);
    let database: BackendDatabase;
    try {
      database = await backend.open(path, request.openOptions);
    } catch (error) {
      if (error instanceof StoreCorruptedError) {
        await recreateCorrupted(request, error, recreated);
        recreated = true;
        continue;
      }
      if (!(error instanceof StoreLockError)) throw error;
      if (deadline?.expired() || attempt >= maxAttempts) throw lockExhausted(request, error, attempt);
      const seconds = options.openRetryBackoffMs / 1000;
      logger.warn(
        `Failed to open ${label} partition, cannot acquire a lock (attempt ${attempt}/${maxAttempts}). Retrying in ${seconds}sec. ${logContext}`,
      );
      const remaining = deadline?.remainingMs();
      if (remaining !== undefined && remaining <= options.openRetryBackoffMs) throw lockExhausted(request, error, attempt);
      await sleep(options.openRetryBackoffMs, signal, () => abortedError(request));
      continue;
    }
    if (recreated) logger.info(`Recreated the corrupted ${label} partition as an empty one; recovery will rebuild it from the changelog. ${logContext}`);
    logger.info(`Opened ${label} partition. ${logContext}`);
    return database;
  }
}

async function recreateCorrupted(request: OpenPartitionRequest, error: StoreCorruptedError, alreadyRecreated: boolean): Promise<void> {
  const { path, errors, logger, logContext, backendLabel: label } = request;
  if (alreadyRecreated) {
    throw errors.corrupted(path, `State store at "${path}" is still corrupted after it was deleted and recreated: ${error.message}`, { cause: error });
  }
  if (!request.hasChangelog) {
    throw errors.corrupted(
      path,
      `State store at "${path}" is corrupted and cannot be recovered from the changelog topic: the store has no changelog (no changelogProducerFactory). Delete the directory to start with empty state, or restore it from a backup.`,
      { cause: error },
    );
  }
  if (!request.options.onCorruptedRecreate) {
    throw errors.corrupted(
      path,
      `State store at "${path}" is corrupted but may be recovered from the changelog topic. \`onCorruptedRecreate\` is set to false; set it to true (the default) to delete the store and rebuild it from the changelog, or delete the directory yourself.`,
      { cause: error },
    );
  }
  logger.warn(`The ${label} partition is corrupted (${error.message}); deleting it and creating an empty one to recover from the changelog. ${logContext}`);
  await request.backend.destroy(path);
}

function lockExhausted(request: OpenPartitionRequest, cause: StoreLockError, attempts: number): StoreLockError {
  const { path, backendLabel: label, deadline } = request;
  const why = deadline?.expired() || (deadline?.remainingMs() ?? Infinity) <= request.options.openRetryBackoffMs
    ? `the open deadline was reached after ${attempts} attempt(s)`
    : `gave up after ${attempts} attempt(s)`;
  return request.errors.lock(
    path,
    `Failed to open ${label} partition on "${path}": another opener holds its lock (${why}). Stop the other process or handle using this state directory, or raise openMaxRetries / openRetryBackoffMs.`,
    { cause },
  );
}

function abortedError(request: OpenPartitionRequest): StoreOpenAborted {
  return request.errors.openAborted(
    request.path,
    `Aborted opening ${request.backendLabel} partition on "${request.path}": the application is stopping`,
  );
}

function sleep(ms: number, signal: AbortSignal | undefined, aborted: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
