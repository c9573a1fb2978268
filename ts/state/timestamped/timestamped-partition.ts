/**
 * `TimestampedStorePartition`: a store partition whose transactions are
 * {@link TimestampedPartitionTransaction}s, carrying the store's grace period and duplicates
 * setting. Entries and watermarks are ordinary keys, so they flow through the same changelog and
 * recovery as plain state, on every backend.
 *
 * @module
 */
import type { BackendDatabase } from '../../backends/backend.js';
import { StorePartition, type StorePartitionOptions } from '../partition.js';
import { TimestampedPartitionTransaction, type TimestampedSettings } from './timestamped-transaction.js';

/** A partition of a timestamped store. */
export class TimestampedStorePartition extends StorePartition implements TimestampedSettings {
  /** @inheritDoc */
  readonly graceMs: number;
  /** @inheritDoc */
  readonly keepDuplicates: boolean;

  /**
   * Use `store.assignPartition(n)`.
   * @param db - the open database
   * @param options - what the partition is
   * @param settings - grace period and duplicates
   */
  constructor(db: BackendDatabase, options: StorePartitionOptions, settings: TimestampedSettings) {
    super(db, options);
    this.graceMs = settings.graceMs;
    this.keepDuplicates = settings.keepDuplicates;
  }

  /**
   * Start a timestamped transaction.
   * @returns a new transaction in STARTED
   * @throws PartitionClosedError after close
   */
  override begin(): TimestampedPartitionTransaction {
    return super.begin() as TimestampedPartitionTransaction;
  }

  protected override createTransaction(): TimestampedPartitionTransaction {
    return new TimestampedPartitionTransaction(this);
  }
}
