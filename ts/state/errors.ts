/**
 * Errors of the state layer, each with a stable `code`. Lock and corruption errors are
 * shared with the backends and live in `../errors.ts` (`StoreLockError`, `RocksDBLockError`,
 * `StoreCorruptedError`, `RocksDBCorruptedError`, ...).
 *
 * @module
 */
import { StreamstateError } from '../errors.js';

/** Base class of the errors about state data and transactions. Code `'STATE_ERROR'` unless a subclass says. */
export class StateError extends StreamstateError {
  /**
   * @param message - what happened and what to do
   * @param options - `cause`; `code` overrides the default `'STATE_ERROR'`
   */
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'STATE_ERROR', message, options);
  }
}

/**
 * A value or key could not be serialized, a stored value could not be deserialized, or `setBytes`
 * got something that is not bytes. Code `'STATE_SERIALIZATION'`.
 */
export class StateSerializationError extends StateError {
  /**
   * @param message - what could not be (de)serialized and why
   * @param options - `cause`, the serializer's own error
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'STATE_SERIALIZATION' });
  }
}

/**
 * An operation is not allowed in the transaction's current status (e.g. a write after `prepare()`,
 * anything after `flush()` or after a failure). Code `'STATE_TRANSACTION'`.
 */
export class StateTransactionError extends StateError {
  /** @param message - the operation, the status, and what to do */
  constructor(message: string) {
    super(message, { code: 'STATE_TRANSACTION' });
  }
}

/**
 * `flush(changelogOffset)` got an offset lower than the one already stored in the partition.
 * Code `'INVALID_CHANGELOG_OFFSET'`.
 */
export class InvalidChangelogOffset extends StateError {
  /** @param message - both offsets and what to do */
  constructor(message: string) {
    super(message, { code: 'INVALID_CHANGELOG_OFFSET' });
  }
}

/**
 * A changelog message has no (or an empty) `__column_family__` header, so it cannot be applied.
 * Code `'COLUMN_FAMILY_HEADER_MISSING'`.
 */
export class ColumnFamilyHeaderMissing extends StateError {
  /** @param message - what is missing */
  constructor(message: string) {
    super(message, { code: 'COLUMN_FAMILY_HEADER_MISSING' });
  }
}

/**
 * A changelog message handed to recovery is malformed: its key is not bytes, its value neither
 * bytes nor null, its offset not a non-negative integer, or its processed-offsets header not a JSON
 * object of offsets. Code `'INVALID_CHANGELOG_MESSAGE'`.
 */
export class InvalidChangelogMessageError extends StateError {
  /** @param message - which field is wrong */
  constructor(message: string) {
    super(message, { code: 'INVALID_CHANGELOG_MESSAGE' });
  }
}

/**
 * Waiting to retry the open of a partition was aborted (the `signal` fired: the application is
 * stopping). Code `'STORE_OPEN_ABORTED'`; backend-specific subclasses below.
 */
export class StoreOpenAborted extends StateError {
  /** The partition path that was being opened. */
  readonly path: string;
  /**
   * @param path - the partition path
   * @param message - what happened
   * @param options - `cause`; `code` overrides the default
   */
  constructor(path: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { ...options, code: options?.code ?? 'STORE_OPEN_ABORTED' });
    this.path = path;
  }
}

/** Opening a RocksDB partition was aborted while waiting to retry. Code `'ROCKSDB_OPEN_ABORTED'`. */
export class RocksDBOpenAborted extends StoreOpenAborted {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'ROCKSDB_OPEN_ABORTED' });
  }
}

/** Opening a SlateDB partition was aborted while waiting to retry. Code `'SLATEDB_OPEN_ABORTED'`. */
export class SlateDBOpenAborted extends StoreOpenAborted {
  /** @inheritDoc */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path, message, { ...options, code: 'SLATEDB_OPEN_ABORTED' });
  }
}

/** A transaction was started on a partition the store has not been assigned. Code `'PARTITION_NOT_ASSIGNED'`. */
export class PartitionNotAssignedError extends StreamstateError {
  /** @param message - which store partition and what to do */
  constructor(message: string) {
    super('PARTITION_NOT_ASSIGNED', message);
  }
}

/** A store partition was used after it was closed (revoked). Code `'PARTITION_CLOSED'`. */
export class PartitionClosedError extends StreamstateError {
  /** @param message - which partition and what to do */
  constructor(message: string) {
    super('PARTITION_CLOSED', message);
  }
}

/** `clearStores()` was called while partitions are assigned. Code `'PARTITION_STORE_IS_USED'`. */
export class PartitionStoreIsUsed extends StreamstateError {
  /** @param message - what to do first */
  constructor(message: string) {
    super('PARTITION_STORE_IS_USED', message);
  }
}

/** `getStore` asked for a store that was never registered. Code `'STORE_NOT_REGISTERED'`. */
export class StoreNotRegisteredError extends StreamstateError {
  /** @param message - which store */
  constructor(message: string) {
    super('STORE_NOT_REGISTERED', message);
  }
}

/** A windowed or timestamped store was registered twice under one name. Code `'STORE_ALREADY_REGISTERED'`. */
export class StoreAlreadyRegisteredError extends StreamstateError {
  /** @param message - which store */
  constructor(message: string) {
    super('STORE_ALREADY_REGISTERED', message);
  }
}

/** A checkpoint (or `withTransaction`) found a FAILED transaction at commit. Code `'STORE_TRANSACTION_FAILED'`. */
export class StoreTransactionFailed extends StreamstateError {
  /**
   * @param message - which transaction and what to do
   * @param options - `cause`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_TRANSACTION_FAILED', message, options);
  }
}

/**
 * The stored changelog offset of a partition is at or past its changelog topic's highwater.
 * Code `'INVALID_STORE_CHANGELOG_OFFSET'`. (Raised by the recovery manager.)
 */
export class InvalidStoreChangelogOffset extends StreamstateError {
  /** @param message - which partition and what to do */
  constructor(message: string) {
    super('INVALID_STORE_CHANGELOG_OFFSET', message);
  }
}

/**
 * A committed source offset is below the topic's lowwater and automatic recovery is off.
 * Code `'STATE_RECOVERY_OFFSET_OUT_OF_RANGE'`. (Raised by the application.)
 */
export class StateRecoveryOffsetOutOfRange extends StreamstateError {
  /** @param message - which partition and what to do */
  constructor(message: string) {
    super('STATE_RECOVERY_OFFSET_OUT_OF_RANGE', message);
  }
}

/** A store name (or stream id) cannot name a directory. Code `'INVALID_STORE_NAME'`. */
export class InvalidStoreNameError extends StreamstateError {
  /** @param message - the name and the rule it breaks */
  constructor(message: string) {
    super('INVALID_STORE_NAME', message);
  }
}

/** A column family name is empty or has characters outside `[A-Za-z0-9_.-]`. Code `'INVALID_COLUMN_FAMILY_NAME'`. */
export class InvalidColumnFamilyNameError extends StreamstateError {
  /** @param message - the name and the rule it breaks */
  constructor(message: string) {
    super('INVALID_COLUMN_FAMILY_NAME', message);
  }
}

/** An argument has the wrong type or range (a prefix that is not bytes, a negative offset...). Code `'STATE_INVALID_ARGUMENT'`. */
export class StateArgumentError extends StreamstateError {
  /** @param message - which argument and what it must be */
  constructor(message: string) {
    super('STATE_INVALID_ARGUMENT', message);
  }
}

/** Store or manager options are invalid (unknown field, wrong type, out of range). Code `'INVALID_OPTIONS'`. */
export class InvalidOptionsError extends StreamstateError {
  /** @param message - which option and what it must be */
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
  }
}

/**
 * An integer cannot be encoded as (or decoded from) an unsigned 64-bit big-endian key part: it is
 * negative, above 2^64-1, not an integer, or the bytes are not exactly 8 long. Code `'INTEGER_ENCODING'`.
 */
export class IntegerEncodingError extends StreamstateError {
  /** @param message - the value and the allowed range */
  constructor(message: string) {
    super('INTEGER_ENCODING', message);
  }
}

/** The state directory exists and is not a directory. Code `'STATE_DIR_NOT_A_DIRECTORY'`. */
export class StateDirectoryError extends StreamstateError {
  /**
   * @param message - the path and what to do
   * @param options - `cause`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('STATE_DIR_NOT_A_DIRECTORY', message, options);
  }
}
