export { RocksDbBackend, rocksDbBackend } from './rocksdb-backend.js';
export { RocksDbDatabase } from './rocksdb-database.js';
export type { RocksDbSettings, RocksDbCompression } from './rocksdb-settings.js';
export { ROCKSDB_ADDON_PACKAGE, rocksDbAvailable } from './rocksdb-addon.js';
