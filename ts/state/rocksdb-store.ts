/**
 * Stores in RocksDB: the {@link StoreBackend} of the RocksDB backend and `RocksDBStore`. Each
 * partition is a RocksDB directory; the native addon loads when the first partition opens.
 *
 * @module
 */
import { rocksDbBackend } from '../backends/rocksdb/index.js';
import { RocksDBCorruptedError, RocksDBLockError } from '../errors.js';
import { RocksDBOpenAborted } from './errors.js';
import { resolveRocksDBOptions, ROCKSDB_TUNING_FIELDS, type ResolvedRocksDBOptions, type RocksDBOptions } from './options.js';
import { Store, type StoreConfig } from './store.js';
import type { StoreBackend } from './store-backend.js';

/** How stores use the RocksDB backend. */
export const rocksdbStoreBackend: StoreBackend<RocksDBOptions, ResolvedRocksDBOptions> = Object.freeze({
  name: 'rocksdb',
  localDirectory: true,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new RocksDBLockError(path, message, options),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new RocksDBCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new RocksDBOpenAborted(path, message),
  },
  loadBackend: async () => rocksDbBackend,
  resolveOptions: (options: RocksDBOptions | undefined) => resolveRocksDBOptions(options),
  openSettings: (options: ResolvedRocksDBOptions) => {
    const settings: Record<string, unknown> = {};
    for (const field of ROCKSDB_TUNING_FIELDS) if (options[field] !== undefined) settings[field] = options[field];
    return settings;
  },
});

/** A store whose partitions are RocksDB databases. */
export class RocksDBStore extends Store<RocksDBOptions, ResolvedRocksDBOptions> {
  /**
   * @param config - name, stream, state directory, RocksDB options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<RocksDBOptions>) {
    super(rocksdbStoreBackend, config);
  }
}
