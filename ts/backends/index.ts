export {
  type Backend, type BackendDatabase, type BackendName, type BackendOpenOptions, type BackendSupports,
  type BatchOperation, DEFAULT_CF, type IterateOptions,
} from './backend.js';
export { BackendClosedError, BackendInvalidArgumentError, BackendUnavailableError } from './errors.js';
export { compareBytes, MEMORY_LOCKED, memoryBackend, MemoryBackend, MemoryDatabase } from './memory/index.js';
export {
  ROCKSDB_ADDON_PACKAGE, rocksDbAvailable, rocksDbBackend, RocksDbBackend, type RocksDbCompression,
  RocksDbDatabase, type RocksDbSettings,
} from './rocksdb/index.js';
export {
  DEFAULT_LOCK_TTL_MS, LEASE_OBJECT, LOCK_TTL_RANGE_MS, MIN_LOCK_RENEW_INTERVAL_MS, slateDbBackend,
  SlateDbBackend, type SlateDbBackendOptions, type SlateDbBackendSettings, SlateDbDatabase,
  SlateDBFencedError, SlateDBLeaseLostError, SlateDBLeaseUnconfirmedError, SlateDBLeaseUnreadableError,
} from './slatedb/index.js';
