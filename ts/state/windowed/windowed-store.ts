/**
 * Windowed stores (spec §5): {@link WindowedStore} works on any backend; `WindowedRocksDBStore` and
 * `WindowedMemoryStore` are it with the backend filled in. A backend added later gets windowed
 * stores for free through `WindowedStore`; a named class for it is three lines (see
 * `registerWindowedStoreClass`).
 *
 * @module
 */
import type { BackendDatabase } from '../../backends/backend.js';
import type { ChangelogProducer } from '../changelog.js';
import { memoryStoreBackend, type MemoryOptions } from '../memory-store.js';
import type { ResolvedRocksDBOptions, ResolvedStoreOptions, RocksDBOptions, StoreOptions } from '../options.js';
import { rocksdbStoreBackend } from '../rocksdb-store.js';
import { Store, type StoreConfig } from '../store.js';
import { storePartitionOptions } from './store-partition-options.js';
import { WindowedStorePartition } from './windowed-partition.js';
import type { WindowedPartitionTransaction } from './windowed-transaction.js';

/** A windowed store over any backend; its transactions are {@link WindowedPartitionTransaction}s. */
export class WindowedStore<O extends StoreOptions = StoreOptions, R extends ResolvedStoreOptions = ResolvedStoreOptions> extends Store<O, R> {
  /**
   * Open a partition (or return it when already assigned).
   * @param partition - the partition number
   * @returns the windowed partition
   * @throws the backend's lock, corrupted or open-aborted error
   */
  override async assignPartition(partition: number): Promise<WindowedStorePartition> {
    return (await super.assignPartition(partition)) as WindowedStorePartition;
  }

  /**
   * Start a windowed transaction on an assigned partition.
   * @param partition - the partition number
   * @returns the transaction
   * @throws PartitionNotAssignedError when the partition is not assigned
   */
  override startPartitionTransaction(partition: number): WindowedPartitionTransaction {
    return super.startPartitionTransaction(partition) as WindowedPartitionTransaction;
  }

  protected override createPartition(db: BackendDatabase, partition: number, changelogProducer: ChangelogProducer | undefined): WindowedStorePartition {
    return new WindowedStorePartition(db, storePartitionOptions(this, partition, changelogProducer, () => this.logger));
  }
}

/** A windowed store whose partitions are RocksDB databases (Python's `WindowedRocksDBStore`). */
export class WindowedRocksDBStore extends WindowedStore<RocksDBOptions, ResolvedRocksDBOptions> {
  /**
   * @param config - name, stream, state directory, RocksDB options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<RocksDBOptions>) {
    super(rocksdbStoreBackend, config);
  }
}

/** A windowed store whose partitions live in memory. */
export class WindowedMemoryStore extends WindowedStore<MemoryOptions, ResolvedStoreOptions> {
  /**
   * @param config - name, stream, directory (a namespace here), options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<MemoryOptions>) {
    super(memoryStoreBackend, config);
  }
}

