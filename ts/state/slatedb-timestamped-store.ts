/**
 * `TimestampedSlateDBStore`: timestamped state (spec §6) in SlateDB. Importing this module makes
 * `StateStoreManager.registerTimestampedStore` create it for stores on the `'slatedb'` backend.
 *
 * @module
 */
import type { ResolvedSlateDBOptions, SlateDBOptions } from './options.js';
import { slatedbStoreBackendFor } from './slatedb-store.js';
import type { StoreConfig } from './store.js';
import type { TimestampedStoreKindOptions } from './store-kinds.js';
import { registerTimestampedStoreClass } from './timestamped/timestamped-store-kind.js';
import { TimestampedStore } from './timestamped/timestamped-store.js';

/** A timestamped store whose partitions are SlateDB databases. */
export class TimestampedSlateDBStore extends TimestampedStore<SlateDBOptions, ResolvedSlateDBOptions> {
  /**
   * @param config - name, stream, state directory, SlateDB options, changelog
   * @param settings - `graceMs` and `keepDuplicates`
   * @throws InvalidOptionsError when the settings or an option are invalid
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   */
  constructor(config: StoreConfig<SlateDBOptions>, settings: TimestampedStoreKindOptions) {
    super(slatedbStoreBackendFor(config), config, settings);
  }
}

registerTimestampedStoreClass('slatedb', (config, settings) => new TimestampedSlateDBStore(config, settings));
