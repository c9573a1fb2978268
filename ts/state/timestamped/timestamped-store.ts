/**
 * Timestamped stores: {@link TimestampedStore} works on any backend; the named classes of each
 * backend are in `../stores.ts`.
 *
 * @module
 */
import type { BackendDatabase } from '../../backends/backend.js';
import type { ChangelogProducer } from '../changelog.js';
import { GLOBAL_COUNTER_CF_NAME, MIN_ELIGIBLE_TIMESTAMPS_CF_NAME } from '../constants.js';
import { InvalidOptionsError } from '../errors.js';
import type { ResolvedStoreOptions, StoreOptions } from '../options.js';
import { Store, type StoreConfig } from '../store.js';
import type { StoreBackend } from '../store-backend.js';
import { storePartitionOptions } from '../windowed/store-partition-options.js';
import { TimestampedStorePartition } from './timestamped-partition.js';
import type { TimestampedPartitionTransaction, TimestampedSettings } from './timestamped-transaction.js';

/** What `registerTimestampedStore` passes to a timestamped store. */
export interface TimestampedStoreKindOptions {
  /** How far below the latest timestamp of a key entries stay readable, in ms. */
  graceMs: number;
  /** Keep every entry of one timestamp (true) or only the last (false). */
  keepDuplicates: boolean;
}

/** A timestamped store over any backend; its transactions are {@link TimestampedPartitionTransaction}s. */
export class TimestampedStore<O extends StoreOptions = StoreOptions, R extends ResolvedStoreOptions = ResolvedStoreOptions>
  extends Store<O, R>
  implements TimestampedSettings
{
  /** @inheritDoc */
  readonly graceMs: number;
  /** @inheritDoc */
  readonly keepDuplicates: boolean;

  /**
   * @param storeBackend - the backend the partitions live in
   * @param config - name, stream, directory, options, changelog
   * @param settings - `graceMs` (a non-negative integer) and `keepDuplicates`
   * @throws InvalidOptionsError when the settings or an option are invalid
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   */
  constructor(storeBackend: StoreBackend<O, R>, config: StoreConfig<O>, settings: TimestampedStoreKindOptions) {
    super(storeBackend, config);
    const { graceMs, keepDuplicates } = settings ?? ({} as Partial<TimestampedStoreKindOptions>);
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
      throw new InvalidOptionsError(`graceMs of timestamped store "${config.name}" must be a non-negative integer number of milliseconds, got ${String(graceMs)}.`);
    }
    if (typeof keepDuplicates !== 'boolean') {
      throw new InvalidOptionsError(`keepDuplicates of timestamped store "${config.name}" must be true or false, got ${String(keepDuplicates)}.`);
    }
    this.graceMs = graceMs;
    this.keepDuplicates = keepDuplicates;
  }

  /**
   * Open a partition (or return it when already assigned).
   * @param partition - the partition number
   * @returns the timestamped partition
   * @throws the backend's lock, corrupted or open-aborted error
   */
  override async assignPartition(partition: number): Promise<TimestampedStorePartition> {
    return (await super.assignPartition(partition)) as TimestampedStorePartition;
  }

  /**
   * Start a timestamped transaction on an assigned partition.
   * @param partition - the partition number
   * @returns the transaction
   * @throws PartitionNotAssignedError when the partition is not assigned
   */
  override startPartitionTransaction(partition: number): TimestampedPartitionTransaction {
    return super.startPartitionTransaction(partition) as TimestampedPartitionTransaction;
  }

  protected override columnFamilies(): readonly string[] {
    return [...super.columnFamilies(), MIN_ELIGIBLE_TIMESTAMPS_CF_NAME, GLOBAL_COUNTER_CF_NAME];
  }

  protected override createPartition(db: BackendDatabase, partition: number, changelogProducer: ChangelogProducer | undefined): TimestampedStorePartition {
    return new TimestampedStorePartition(db, storePartitionOptions(this, partition, changelogProducer, () => this.logger), this);
  }
}
