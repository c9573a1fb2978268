/**
 * The state layer: Quix Streams' state model over any backend.
 *
 * {@link StateStoreManager} → {@link Store} (one class per backend and kind: {@link STORES}) →
 * {@link StorePartition} → {@link PartitionTransaction} → {@link State}. See docs/state-model.md
 * and docs/architecture.md; windowed and timestamped state: docs/windows.md.
 *
 * @module
 */
export {
  CHANGELOG_CF_MESSAGE_HEADER, CHANGELOG_OFFSET_KEY, CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER,
  DEFAULT_PREFIX, DEFAULT_STATE_STORE_NAME, GLOBAL_COUNTER_CF_NAME, GLOBAL_COUNTER_KEY,
  LATEST_DELETED_VALUE_CF_NAME, LATEST_DELETED_VALUE_TIMESTAMP_KEY, LATEST_DELETED_WINDOW_CF_NAME,
  LATEST_DELETED_WINDOW_TIMESTAMP_KEY, LATEST_EXPIRED_WINDOW_CF_NAME, LATEST_EXPIRED_WINDOW_TIMESTAMP_KEY,
  LATEST_TIMESTAMP_KEY, LATEST_TIMESTAMPS_CF_NAME, MAX_UINT64, METADATA_CF_NAME,
  MIN_ELIGIBLE_TIMESTAMPS_CF_NAME, MIN_ELIGIBLE_TIMESTAMPS_KEY, OFFSET_BEGINNING, VALUES_CF_NAME,
} from './constants.js';
export {
  ColumnFamilyHeaderMissing, IntegerEncodingError, InvalidChangelogMessageError, InvalidChangelogOffset,
  InvalidColumnFamilyNameError, InvalidOptionsError, InvalidStoreChangelogOffset, InvalidStoreNameError,
  PartitionClosedError, PartitionNotAssignedError, PartitionStoreIsUsed, RocksDBOpenAborted,
  SlateDBOpenAborted, StateArgumentError, StateDirectoryError, StateError, StateRecoveryOffsetOutOfRange,
  StateSerializationError, StateTransactionError, StoreAlreadyRegisteredError, StoreNotRegisteredError,
  StoreOpenAborted, StoreTransactionFailed,
} from './errors.js';
export { jsonStringify } from './json.js';
export {
  deserializeValue, dumps, type Dumps, loads, type Loads, serializeKey, serializePrefix, serializeValue,
} from './serialization.js';
export {
  appendInteger, bigIntFromBytes, decodeIntegerPair, encodeIntegerPair, intFromBytes, intToBytes,
} from './integers.js';
export { assertColumnFamilyName, assertPathSafeName } from './names.js';
export {
  type ChangelogHeaders, type ChangelogMessage, type ChangelogMessageHeaders, type ChangelogProducer,
  type ChangelogProducerFactory, type ChangelogTopic, changelogTopicName,
} from './changelog.js';
export { decodeChangelogMessage, type DecodedChangelogMessage } from './changelog-message.js';
export { checkOffset, type CommittedOffsets, isChangelogMessageCommitted } from './offsets.js';
export { PartitionTransactionStatus } from './transaction-status.js';
export {
  type CachedEntry, type CacheLookup, Marker, PartitionTransactionCache, type PrefixBucket,
} from './transaction-cache.js';
export { PartitionTransaction, type ProcessedOffsets, type RangeReadOptions } from './transaction.js';
export { type State, TransactionState } from './state.js';
export { withTransaction } from './with-transaction.js';
export {
  type IterItemsOptions, type RecoverOptions, type RecoveryOutcome, StorePartition, type StorePartitionOptions,
} from './partition.js';
export { OpenDeadline } from './open-deadline.js';
export { type StoreBackendErrors } from './open-partition.js';
export {
  type OptionRule, type ResolvedRocksDBOptions, type ResolvedSlateDBOptions, type ResolvedStoreOptions,
  resolveOptions, resolveRocksDBOptions, resolveSlateDBOptions, resolveStoreOptions,
  type RocksDBCompressionType, type RocksDBOptions, type RocksDBTuning, type SlateDBOptions,
  type SlateDBTuning, STORE_OPTION_RULES, type StoreOptions,
} from './options.js';
export {
  type MemoryOptions, memoryStoreBackend, rocksDbStoreBackend, slateDbStoreBackend, type StoreBackend,
  type StoreBackendContext,
} from './store-backend.js';
export { Store, type StoreConfig } from './store.js';
export {
  MemoryStore, RocksDBStore, SlateDBStore, type StoreClass, type StoreKindName, type StoreRow, STORES,
  TimestampedMemoryStore, TimestampedRocksDBStore, TimestampedSlateDBStore, WindowedMemoryStore,
  WindowedRocksDBStore, WindowedSlateDBStore,
} from './stores.js';
export { type RegisterStoreOptions, StateStoreManager, type StateStoreManagerOptions } from './manager.js';
export {
  decodePairKey, encodePairKey, type ExpireAllWindowsOptions, type ExpiredWindow, type ExpireWindowsOptions,
  type GetWindowsOptions, isPairKeyOf, pairKeyBound, type ParsedWindowKey, parseWindowKey,
  WindowedPartitionTransaction, type WindowedState, WindowedStore, WindowedStorePartition,
  WindowedTransactionState, type WindowEntry,
} from './windowed/index.js';
export {
  TimestampedPartitionTransaction, type TimestampedSettings, type TimestampedState, TimestampedStore,
  type TimestampedStoreKindOptions, TimestampedStorePartition, TimestampedTransactionState,
} from './timestamped/index.js';
export { joinPath, resolveStateDir } from './paths.js';
