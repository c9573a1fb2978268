/**
 * The backends the {@link StateStoreManager} can put stores in, by name: memory, RocksDB and
 * SlateDB are registered here; another backend registers its {@link StoreBackend} and its named
 * plain store class with {@link registerStoreBackend}.
 *
 * @module
 */
import type { BackendName } from '../backends/backend.js';
import { MemoryStore, memoryStoreBackend } from './memory-store.js';
import { RocksDBStore, rocksdbStoreBackend } from './rocksdb-store.js';
import { SlateDBStore, slatedbStoreBackend } from './slatedb-store.js';
import type { Store, StoreConfig } from './store.js';
import type { StoreBackend } from './store-backend.js';

/** A backend the manager can use: how stores use it, and its plain store class. */
export interface RegisteredStoreBackend {
  /** How stores use the backend. */
  readonly storeBackend: StoreBackend<any, any>;
  /**
   * Make a plain key/value store (e.g. `new RocksDBStore(config)`).
   * @param config - the store's configuration
   */
  createStore(config: StoreConfig<any>): Store<any, any>;
}

const registered = new Map<BackendName, RegisteredStoreBackend>([
  ['memory', { storeBackend: memoryStoreBackend, createStore: (config) => new MemoryStore(config) }],
  ['rocksdb', { storeBackend: rocksdbStoreBackend, createStore: (config) => new RocksDBStore(config) }],
  ['slatedb', { storeBackend: slatedbStoreBackend, createStore: (config) => new SlateDBStore(config) }],
]);

/**
 * Make a backend available to the manager (replacing an earlier registration of the same name).
 * @param entry - the backend's store backend and plain store class
 */
export function registerStoreBackend(entry: RegisteredStoreBackend): void {
  registered.set(entry.storeBackend.name, entry);
}

/**
 * @param name - a backend name
 * @returns its registration, or `undefined` when it is not available in this build
 */
export function getStoreBackend(name: BackendName): RegisteredStoreBackend | undefined {
  return registered.get(name);
}
