/**
 * What the engine's errors mean to the Backend contract: a failed open that means corrupted
 * objects becomes {@link SlateDBCorruptedError} (which the state layer recreates from the
 * changelog); a fenced writer becomes {@link SlateDBFencedError}; corrupted objects met by a read
 * {@link SlateDBCorruptedError} too; a closed handle `BackendClosedError`; a rejected argument
 * `BackendInvalidArgumentError`.
 *
 * @module
 */
import { SlateDBCorruptedError } from '../../errors.js';
import { SlateDbError } from '../../engine/errors.js';
import { BackendClosedError, BackendInvalidArgumentError } from '../errors.js';
import { SlateDBFencedError } from './errors.js';

/**
 * Messages that mean stored objects are unreadable, whatever code they came with: SlateDB's
 * corruption and checksum errors, and a manifest or SST that does not parse. SlateDB reports a
 * truncated manifest as an internal error carrying the flatbuffers verifier's finding
 * (`RangeOutOfBounds`, `MissingRequiredField`, ...), so those names count too.
 */
const CORRUPTION_MESSAGE = new RegExp(
  [
    'corrupt',
    'invalid manifest',
    'invalid sst',
    'checksum',
    'flatbuffer',
    'unsupported (manifest|sst) (format )?version',
    'empty manifest',
    'failed to decode',
    'decode error',
    // The flatbuffers verifier's errors (InvalidFlatbuffer variants).
    'RangeOutOfBounds',
    'SignedOffsetOutOfBounds',
    'MissingRequiredField',
    'InconsistentUnion',
    'MissingNullTerminator',
    'ApparentSizeTooLarge',
    'DepthLimitReached',
    'TooManyTables',
    'Unaligned \\{',
  ].join('|'),
  'i',
);

/**
 * Whether an open failure means the database's objects are corrupted.
 * @param error - what `SlateDb.open` threw
 */
export function isCorruption(error: unknown): boolean {
  if (error instanceof SlateDbError && error.code === 'DATA_CORRUPTION') return true;
  if (error instanceof SlateDbError && (error.code === 'UNAVAILABLE' || error.code === 'FENCED' || error.code === 'CLOSED')) return false;
  return error instanceof Error && CORRUPTION_MESSAGE.test(error.message);
}

/**
 * Turn an open failure into the error the state layer classifies, when it is one.
 * @param error - what `SlateDb.open` threw
 * @returns a {@link SlateDBCorruptedError}, a {@link BackendInvalidArgumentError}, or `error` unchanged
 */
export function classifyOpenError(path: string, error: unknown): unknown {
  if (isCorruption(error)) {
    return new SlateDBCorruptedError(
      path,
      `The SlateDB database at "${path}" is corrupted (${(error as Error).message}). Destroy it and rebuild it ` +
        'from the changelog (the store does this with onCorruptedRecreate), or restore its objects from a backup.',
      { cause: error },
    );
  }
  if (error instanceof SlateDbError && error.code === 'INVALID_ARGUMENT') {
    return new BackendInvalidArgumentError(`Cannot open the SlateDB database at "${path}": ${error.message}.`);
  }
  return error;
}

/**
 * Turn the engine's error of an operation on an open database into the contract's.
 * @param operation - what was attempted (e.g. `'write'`)
 * @param error - what the engine threw
 */
export function translateEngineError(path: string, operation: string, error: unknown): unknown {
  if (!(error instanceof SlateDbError)) return error;
  switch (error.code) {
    case 'FENCED':
      return new SlateDBFencedError(path, operation, { cause: error });
    case 'CLOSED':
      return new BackendClosedError(path, operation);
    case 'INVALID_ARGUMENT':
      return new BackendInvalidArgumentError(`${operation} on the SlateDB database at "${path}": ${error.message}.`);
    case 'DATA_CORRUPTION':
      return new SlateDBCorruptedError(
        path,
        `Cannot ${operation}: the SlateDB database at "${path}" has corrupted objects (${error.message}). Close it, then destroy it ` +
          'and rebuild it from the changelog (reopening with onCorruptedRecreate does not notice objects that only reads reach), ' +
          'or restore its objects from a backup.',
        { cause: error },
      );
    default:
      return error;
  }
}
