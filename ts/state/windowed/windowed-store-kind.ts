/**
 * The windowed store kind: what `StateStoreManager.registerWindowedStore` makes, per backend.
 * Importing this module registers the kind with the manager's store-kind registry.
 *
 * A backend with a named windowed class registers it here; for SlateDB that is
 *
 * ```ts
 * export class WindowedSlateDBStore extends WindowedStore<SlateDBOptions, ResolvedSlateDBOptions> {
 *   constructor(config: StoreConfig<SlateDBOptions>) { super(slatedbStoreBackend, config); }
 * }
 * registerWindowedStoreClass('slatedb', (config) => new WindowedSlateDBStore(config));
 * ```
 *
 * Without a named class a backend still gets windowed stores: a plain `WindowedStore` over it.
 *
 * @module
 */
import type { BackendName } from '../../backends/backend.js';
import type { StoreConfig } from '../store.js';
import type { StoreBackend } from '../store-backend.js';
import { registerStoreKind } from '../store-kinds.js';
import { WindowedMemoryStore, WindowedRocksDBStore, WindowedStore } from './windowed-store.js';

/** Makes the named windowed store class of one backend. */
export type WindowedStoreFactory = (config: StoreConfig<any>) => WindowedStore<any, any>;

const namedClasses = new Map<BackendName, WindowedStoreFactory>([
  ['rocksdb', (config) => new WindowedRocksDBStore(config)],
  ['memory', (config) => new WindowedMemoryStore(config)],
]);

/**
 * Make the manager create a backend's named windowed store class (replacing an earlier one).
 * @param backend - the backend name
 * @param create - makes the store from its configuration
 */
export function registerWindowedStoreClass(backend: BackendName, create: WindowedStoreFactory): void {
  namedClasses.set(backend, create);
}

/**
 * Make a windowed store on a backend: its named class when one is registered, else a
 * {@link WindowedStore} over it.
 * @param storeBackend - the backend the partitions live in
 * @param config - the store's configuration
 * @returns the store
 * @throws InvalidStoreNameError when the name or stream id cannot name a directory
 * @throws InvalidOptionsError when an option is invalid
 */
export function createWindowedStore(storeBackend: StoreBackend<any, any>, config: StoreConfig<any>): WindowedStore<any, any> {
  const named = namedClasses.get(storeBackend.name);
  return named !== undefined ? named(config) : new WindowedStore(storeBackend, config);
}

registerStoreKind<undefined>({
  name: 'windowed',
  create: (storeBackend, config) => createWindowedStore(storeBackend, config),
});
