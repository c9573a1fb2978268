/**
 * `WindowedStorePartition`: a store partition whose transactions are
 * {@link WindowedPartitionTransaction}s. Reads, writes and the changelog recovery step are the plain
 * partition's: windows, markers and collections are ordinary keys in their column families, so they
 * flow through the same changelog and recovery on every backend.
 *
 * @module
 */
import { StorePartition } from '../partition.js';
import { WindowedPartitionTransaction } from './windowed-transaction.js';

/** A partition of a windowed store. */
export class WindowedStorePartition extends StorePartition {
  /**
   * Start a windowed transaction.
   * @returns a new transaction in STARTED
   * @throws PartitionClosedError after close
   */
  override begin(): WindowedPartitionTransaction {
    return super.begin() as WindowedPartitionTransaction;
  }

  protected override createTransaction(): WindowedPartitionTransaction {
    return new WindowedPartitionTransaction(this);
  }
}
