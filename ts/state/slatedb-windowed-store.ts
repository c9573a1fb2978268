/**
 * `WindowedSlateDBStore`: windowed state (spec §5) in SlateDB. Importing this module makes
 * `StateStoreManager.registerWindowedStore` create it for stores on the `'slatedb'` backend.
 *
 * @module
 */
import type { ResolvedSlateDBOptions, SlateDBOptions } from './options.js';
import { slatedbStoreBackendFor } from './slatedb-store.js';
import type { StoreConfig } from './store.js';
import { registerWindowedStoreClass } from './windowed/windowed-store-kind.js';
import { WindowedStore } from './windowed/windowed-store.js';

/** A windowed store whose partitions are SlateDB databases. */
export class WindowedSlateDBStore extends WindowedStore<SlateDBOptions, ResolvedSlateDBOptions> {
  /**
   * @param config - name, stream, state directory, SlateDB options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<SlateDBOptions>) {
    super(slatedbStoreBackendFor(config), config);
  }
}

registerWindowedStoreClass('slatedb', (config) => new WindowedSlateDBStore(config));
