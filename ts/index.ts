/**
 * streamstate: state storage for stream processing.
 *
 * - Engine: {@link SlateDb}, SlateDB compiled to WebAssembly, storing its data through an
 *   {@link ObjectStore} ({@link MemoryObjectStore}, {@link LocalFileObjectStore}, {@link S3ObjectStore}).
 * - Backends: memory, RocksDB (native addon, Node), SlateDB; one {@link Backend} contract.
 * - State: Quix Streams' state model: {@link StateStoreManager}, stores, partitions, transactions,
 *   windowed and timestamped state.
 *
 * Import from `streamstate`; the runtime-specific entry point (Node, Deno, Bun, workerd) is chosen by
 * `package.json` `exports` conditions and only tells the engine how to load its `.wasm`. Every public
 * name is listed here, layer by layer (docs/architecture.md).
 *
 * @module
 */
export {
  RocksDBCorruptedError, RocksDBLockError, SlateDBCorruptedError, SlateDBLockError, StoreCorruptedError,
  StoreLockError, StreamstateError,
} from './errors.js';
export {
  assertObjectStore, type ByteRange, checkObjectStoreLocationOptions, checkS3BucketName, type CopyOptions,
  DEFAULT_S3_REQUEST_TIMEOUT_MS, type DirentLike, type FileHandleLike, type FileStatsLike,
  type FileSystemLike, type FileSystemPromisesLike, type GetOptions, type GetResult, type HeadResult,
  LocalFileObjectStore, type LocalFileObjectStoreOptions, MemoryObjectStore, OBJECT_STORE_METHODS,
  OBJECT_STORE_SCHEMES, type ObjectMeta, type ObjectStore, ObjectStoreError, type ObjectStoreErrorCode,
  objectStoreFromLocation, type ObjectStoreLocationOptions, type ObjectStoreScheme, type ObjectVersion,
  type ParsedObjectStoreLocation, parseObjectStoreLocation, printableLocation, type PutMode, type PutOptions,
  S3_OPTION_FIELDS, S3ObjectStore, type S3ObjectStoreOptions, S3StoreError, type S3StoreErrorCode,
} from './object-stores/index.js';
export {
  type CompiledWasmModule, type EngineSource, initEngine, type ManifestSummary, MAX_KEY_BYTES,
  type ScanOptions, SlateDb, SlateDbError, type SlateDbErrorCode, type SlateDbOpenOptions,
  type SlateDbSettings, toSlateDbError, WriteBatch, type WriteOptions,
} from './engine/index.js';
export {
  type Backend, BackendClosedError, type BackendDatabase, BackendInvalidArgumentError, type BackendName,
  type BackendOpenOptions, type BackendSupports, BackendUnavailableError, type BatchOperation, compareBytes,
  DEFAULT_CF, DEFAULT_LOCK_TTL_MS, type IterateOptions, LEASE_OBJECT, LOCK_TTL_RANGE_MS, MEMORY_LOCKED,
  memoryBackend, MemoryBackend, MemoryDatabase, MIN_LOCK_RENEW_INTERVAL_MS, ROCKSDB_ADDON_PACKAGE,
  rocksDbAvailable, rocksDbBackend, RocksDbBackend, type RocksDbCompression, RocksDbDatabase,
  type RocksDbSettings, slateDbBackend, SlateDbBackend, type SlateDbBackendOptions,
  type SlateDbBackendSettings, SlateDbDatabase, SlateDBFencedError, SlateDBLeaseLostError,
  SlateDBLeaseUnconfirmedError, SlateDBLeaseUnreadableError,
} from './backends/index.js';
export { defaultLogger, getLogger, type Logger, setLogger, silentLogger } from './logging.js';
export {
  appendInteger, assertColumnFamilyName, assertPathSafeName, bigIntFromBytes, type CachedEntry,
  type CacheLookup, CHANGELOG_CF_MESSAGE_HEADER, CHANGELOG_OFFSET_KEY,
  CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER, type ChangelogHeaders, type ChangelogMessage,
  type ChangelogMessageHeaders, type ChangelogProducer, type ChangelogProducerFactory, type ChangelogTopic,
  changelogTopicName, checkOffset, ColumnFamilyHeaderMissing, type CommittedOffsets, decodeChangelogMessage,
  type DecodedChangelogMessage, decodeIntegerPair, decodePairKey, DEFAULT_PREFIX, DEFAULT_STATE_STORE_NAME,
  deserializeValue, dumps, type Dumps, encodeIntegerPair, encodePairKey, type ExpireAllWindowsOptions,
  type ExpiredWindow, type ExpireWindowsOptions, type GetWindowsOptions, GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY, IntegerEncodingError, intFromBytes, intToBytes, InvalidChangelogMessageError,
  InvalidChangelogOffset, InvalidColumnFamilyNameError, InvalidOptionsError, InvalidStoreChangelogOffset,
  InvalidStoreNameError, isChangelogMessageCommitted, isPairKeyOf, type IterItemsOptions, joinPath,
  jsonStringify, LATEST_DELETED_VALUE_CF_NAME, LATEST_DELETED_VALUE_TIMESTAMP_KEY,
  LATEST_DELETED_WINDOW_CF_NAME, LATEST_DELETED_WINDOW_TIMESTAMP_KEY, LATEST_EXPIRED_WINDOW_CF_NAME,
  LATEST_EXPIRED_WINDOW_TIMESTAMP_KEY, LATEST_TIMESTAMP_KEY, LATEST_TIMESTAMPS_CF_NAME, loads, type Loads,
  Marker, MAX_UINT64, type MemoryOptions, MemoryStore, memoryStoreBackend, METADATA_CF_NAME,
  MIN_ELIGIBLE_TIMESTAMPS_CF_NAME, MIN_ELIGIBLE_TIMESTAMPS_KEY, OFFSET_BEGINNING, OpenDeadline,
  type OptionRule, pairKeyBound, type ParsedWindowKey, parseWindowKey, PartitionClosedError,
  PartitionNotAssignedError, PartitionStoreIsUsed, PartitionTransaction, PartitionTransactionCache,
  PartitionTransactionStatus, type PrefixBucket, type ProcessedOffsets, type RangeReadOptions,
  type RecoverOptions, type RecoveryOutcome, type RegisterStoreOptions, type ResolvedRocksDBOptions, type ResolvedSlateDBOptions,
  type ResolvedStoreOptions, resolveOptions, resolveRocksDBOptions, resolveSlateDBOptions, resolveStateDir,
  resolveStoreOptions, type RocksDBCompressionType, RocksDBOpenAborted, type RocksDBOptions, RocksDBStore,
  rocksDbStoreBackend, type RocksDBTuning, serializeKey, serializePrefix, serializeValue, SlateDBOpenAborted,
  type SlateDBOptions, SlateDBStore, slateDbStoreBackend, type SlateDBTuning, type State, StateArgumentError,
  StateDirectoryError, StateError, StateRecoveryOffsetOutOfRange, StateSerializationError, StateStoreManager,
  type StateStoreManagerOptions, StateTransactionError, Store, STORE_OPTION_RULES,
  StoreAlreadyRegisteredError, type StoreBackend, type StoreBackendContext, type StoreBackendErrors,
  type StoreClass, type StoreConfig, type StoreKindName, StoreNotRegisteredError, StoreOpenAborted,
  type StoreOptions, StorePartition, type StorePartitionOptions, type StoreRow, STORES,
  StoreTransactionFailed, TimestampedMemoryStore, TimestampedPartitionTransaction, TimestampedRocksDBStore,
  type TimestampedSettings, TimestampedSlateDBStore, type TimestampedState, TimestampedStore,
  type TimestampedStoreKindOptions, TimestampedStorePartition, TimestampedTransactionState, TransactionState,
  VALUES_CF_NAME, WindowedMemoryStore, WindowedPartitionTransaction, WindowedRocksDBStore,
  WindowedSlateDBStore, type WindowedState, WindowedStore, WindowedStorePartition, WindowedTransactionState,
  type WindowEntry, withTransaction,
} from './state/index.js';
export {
  countAggregation, hoppingWindow, type HoppingWindowOptions, type LateMessage, maxAggregation,
  meanAggregation, minAggregation, type NumberOf, reduceAggregation, sumAggregation, TimeWindowDefinition,
  TimeWindowProcessor, timeWindowRanges, type TimeWindowShape, tumblingWindow, type TumblingWindowOptions,
  type WindowAggregation, type WindowEmission, type WindowReduction, type WindowResult,
} from './windows/index.js';
export {
  connectKafka, type DeliveredRecord, type GroupConsumer, type GroupConsumerOptions, InMemoryKafka,
  type KafkaAdmin, type KafkaClient, type KafkaConnectionOptions, KafkaError, type KafkaHeader,
  type KafkaProducer, type KafkaRecord, NO_COMMITTED_OFFSET, type OutgoingRecord, parseBrokers,
  type PartitionReader, type ReadResult, type RebalanceEvent, type TopicDescription, type TopicPartition,
  tpKey, type Watermarks,
} from './kafka/index.js';
export {
  Application, ApplicationError, type ApplicationOptions, CheckpointProducer, type MessageContext,
  RecoveryManager, type RecoveryOptions, RecoveryPartition, type RecoveryReport, RecoveryStuckError,
  type RunOptions, type RunSummary, type StepOptions, StreamingDataFrame, TopicConfigurationMismatch,
  TopicNotFoundError,
} from './app/index.js';
