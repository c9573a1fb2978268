/**
 * The state layer: Quix Streams' state model over any backend.
 *
 * {@link StateStoreManager} → {@link Store} ({@link RocksDBStore}, {@link SlateDBStore}, {@link MemoryStore}) →
 * {@link StorePartition} → {@link PartitionTransaction} → {@link State}. See docs/state-model.md.
 * Windowed and timestamped state and the window operators: see docs/windows.md.
 *
 * @module
 */
export * from '../logging.js';
export * from './constants.js';
export * from './errors.js';
export { jsonStringify } from './json.js';
export * from './serialization.js';
export * from './integers.js';
export { assertColumnFamilyName, assertPathSafeName } from './names.js';
export * from './changelog.js';
export { decodeChangelogMessage, type DecodedChangelogMessage } from './changelog-message.js';
export * from './offsets.js';
export * from './transaction-status.js';
export * from './transaction-cache.js';
export * from './transaction.js';
export * from './state.js';
export * from './with-transaction.js';
export * from './partition.js';
export * from './open-deadline.js';
export * from './open-partition.js';
export * from './options.js';
export * from './store-backend.js';
export * from './store.js';
export * from './stores.js';
export * from './manager.js';
export * from './windowed/index.js';
export * from './timestamped/index.js';
export * from '../windows/index.js';
export { joinPath, resolveStateDir } from './paths.js';
