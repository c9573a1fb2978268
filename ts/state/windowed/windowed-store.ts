/**
 * Windowed stores: {@link WindowedStore} works on any backend; the named classes of each backend
 * are in `../stores.ts`.
 *
 * @module
 */
import type { BackendDatabase } from '../../backends/backend.js';
import type { ChangelogProducer } from '../changelog.js';
import type { ResolvedStoreOptions, StoreOptions } from '../options.js';
import {
  GLOBAL_COUNTER_CF_NAME,
  LATEST_DELETED_VALUE_CF_NAME,
  LATEST_DELETED_WINDOW_CF_NAME,
  LATEST_EXPIRED_WINDOW_CF_NAME,
  LATEST_TIMESTAMPS_CF_NAME,
  VALUES_CF_NAME,
} from '../constants.js';
import { Store } from '../store.js';
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

  protected override columnFamilies(): readonly string[] {
    return [
      ...super.columnFamilies(),
      LATEST_TIMESTAMPS_CF_NAME,
      LATEST_EXPIRED_WINDOW_CF_NAME,
      LATEST_DELETED_WINDOW_CF_NAME,
      LATEST_DELETED_VALUE_CF_NAME,
      VALUES_CF_NAME,
      GLOBAL_COUNTER_CF_NAME,
    ];
  }

  protected override createPartition(db: BackendDatabase, partition: number, changelogProducer: ChangelogProducer | undefined): WindowedStorePartition {
    return new WindowedStorePartition(db, storePartitionOptions(this, partition, changelogProducer, () => this.logger));
  }
}
