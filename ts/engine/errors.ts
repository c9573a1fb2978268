import { StreamstateError } from '../errors.js';

/**
 * Stable codes of {@link SlateDbError}:
 * - `CLOSED`: the database was closed; open it again.
 * - `FENCED`: a newer writer opened the same database and fenced this one; close this handle.
 * - `PANICKED`: a background task failed; close and reopen.
 * - `UNAVAILABLE`: the object store kept failing (or did not answer within `objectStoreTimeout`)
 *   through `objectStoreMaxRetries` retries; retry once it is back.
 * - `INVALID_ARGUMENT`: a bad key, range, batch, setting or object store; fix the call.
 * - `DATA_CORRUPTION`: stored objects are corrupted or unreadable (a bad checksum, a truncated
 *   object, a gap in the WAL, a damaged local file, WAL or SSTs without a manifest).
 * - `TRANSACTION_CONFLICT`: a transaction conflicted; retry it.
 * - `ENGINE_NOT_LOADED`: the wasm could not be loaded (see the message for the entry point to use).
 * - `ENGINE_TRAPPED`: the wasm instance crashed; restart the process (and report it: it is a bug).
 * - `INTERNAL`: a bug in SlateDB or streamstate, or in the object store (a `ReferenceError` or
 *   `SyntaxError` it threw, which is never retried).
 *
 * An object-store error whose `retryable` property is `false` (an `S3StoreError` for denied access,
 * a missing bucket or an unusable client) is not retried either: the engine's call fails with a
 * `StreamstateError` carrying the store's own code (`S3_ACCESS_DENIED`, ...).
 */
export type SlateDbErrorCode =
  | 'CLOSED'
  | 'FENCED'
  | 'PANICKED'
  | 'UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'DATA_CORRUPTION'
  | 'TRANSACTION_CONFLICT'
  | 'ENGINE_NOT_LOADED'
  | 'ENGINE_TRAPPED'
  | 'INTERNAL';

const KNOWN_CODES = new Set<string>([
  'CLOSED',
  'FENCED',
  'PANICKED',
  'UNAVAILABLE',
  'INVALID_ARGUMENT',
  'DATA_CORRUPTION',
  'TRANSACTION_CONFLICT',
  'ENGINE_NOT_LOADED',
  'ENGINE_TRAPPED',
  'INTERNAL',
]);

/** An error of the SlateDB engine, with a {@link SlateDbErrorCode}. */
export class SlateDbError extends StreamstateError {
  declare readonly code: SlateDbErrorCode;

  /**
   * @param code - which failure; see {@link SlateDbErrorCode}
   * @param message - what happened and what to do
   * @param options - `cause`, when wrapping another error
   */
  constructor(code: SlateDbErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Turns whatever the engine threw into a {@link SlateDbError} (leaves other errors alone). */
export function toSlateDbError(err: unknown): unknown {
  if (err instanceof SlateDbError) return err;
  if (err instanceof WebAssembly.RuntimeError) {
    return new SlateDbError(
      'ENGINE_TRAPPED',
      `the SlateDB wasm engine crashed (${err.message}); its state is lost for this process: ` +
        'restart the process and reopen the database (data acknowledged as durable is safe). ' +
        'This is a bug: please report it with the message printed above.',
      { cause: err },
    );
  }
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) {
      return new SlateDbError(code as SlateDbErrorCode, err.message, { cause: err });
    }
    // The object store refused a call and said retrying cannot help (an S3StoreError with
    // `retryable: false`): the engine did not retry it and passes the store's code on.
    if (typeof code === 'string' && (err as Error & { refusedByStore?: unknown }).refusedByStore === true) {
      return new StreamstateError(code, err.message, { cause: err });
    }
  }
  return err;
}
