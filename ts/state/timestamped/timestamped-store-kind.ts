/**
 * The timestamped store kind: what `StateStoreManager.registerTimestampedStore` makes, per backend.
 * Importing this module registers the kind with the manager's store-kind registry.
 *
 * A backend with a named timestamped class registers it here; for SlateDB that is
 *
 * ```ts
 * export class TimestampedSlateDBStore extends TimestampedStore<SlateDBOptions, ResolvedSlateDBOptions> {
 *   constructor(config: StoreConfig<SlateDBOptions>, settings: TimestampedStoreKindOptions) {
 *     super(slatedbStoreBackend, config, settings);
 *   }
 * }
 * registerTimestampedStoreClass('slatedb', (config, settings) => new TimestampedSlateDBStore(config, settings));
 * ```
 *
 * Without a named class a backend still gets timestamped stores: a plain `TimestampedStore` over it.
 *
 * @module
 */
import type { BackendName } from '../../backends/backend.js';
import type { StoreConfig } from '../store.js';
import type { StoreBackend } from '../store-backend.js';
import { registerStoreKind, type TimestampedStoreKindOptions } from '../store-kinds.js';
import { TimestampedMemoryStore, TimestampedRocksDBStore, TimestampedStore } from './timestamped-store.js';

/** Makes the named timestamped store class of one backend. */
export type TimestampedStoreFactory = (config: StoreConfig<any>, settings: TimestampedStoreKindOptions) => TimestampedStore<any, any>;

const namedClasses = new Map<BackendName, TimestampedStoreFactory>([
  ['rocksdb', (config, settings) => new TimestampedRocksDBStore(config, settings)],
  ['memory', (config, settings) => new TimestampedMemoryStore(config, settings)],
]);

/**
 * Make the manager create a backend's named timestamped store class (replacing an earlier one).
 * @param backend - the backend name
 * @param create - makes the store from its configuration and settings
 */
export function registerTimestampedStoreClass(backend: BackendName, create: TimestampedStoreFactory): void {
  namedClasses.set(backend, create);
}

/**
 * Make a timestamped store on a backend: its named class when one is registered, else a
 * {@link TimestampedStore} over it.
 * @param storeBackend - the backend the partitions live in
 * @param config - the store's configuration
 * @param settings - `graceMs` and `keepDuplicates`
 * @returns the store
 * @throws InvalidOptionsError when the settings or an option are invalid
 */
export function createTimestampedStore(
  storeBackend: StoreBackend<any, any>,
  config: StoreConfig<any>,
  settings: TimestampedStoreKindOptions,
): TimestampedStore<any, any> {
  const named = namedClasses.get(storeBackend.name);
  return named !== undefined ? named(config, settings) : new TimestampedStore(storeBackend, config, settings);
}

registerStoreKind<TimestampedStoreKindOptions>({
  name: 'timestamped',
  create: (storeBackend, config, settings) => createTimestampedStore(storeBackend, config, settings),
});
