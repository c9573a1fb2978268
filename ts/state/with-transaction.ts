/**
 * Running a callback in a transaction: the TypeScript form of the reference's context manager
 *.
 *
 * @module
 */
import { StoreTransactionFailed } from './errors.js';
import { StorePartition } from './partition.js';
import type { PartitionTransaction } from './transaction.js';

/**
 * Run `work` in a transaction, then `prepare()` and `flush()` it. When `work` throws, nothing is
 * written and the error propagates. When `work` returns but the transaction FAILED (it caught a
 * failing write), nothing is written and {@link StoreTransactionFailed} is thrown, so a swallowed
 * error cannot silently lose the writes.
 * @param source - a partition (a new transaction is begun) or a STARTED transaction
 * @param work - reads and writes through the transaction
 * @returns what `work` returned
 * @throws StoreTransactionFailed when the transaction FAILED inside `work`
 * @throws StateTransactionError when `work` prepared or flushed the transaction itself
 */
export async function withTransaction<T>(
  source: StorePartition | PartitionTransaction,
  work: (transaction: PartitionTransaction) => T | Promise<T>,
): Promise<T> {
  const transaction = source instanceof StorePartition ? source.begin() : source;
  const result = await work(transaction);
  if (transaction.failed) {
    throw new StoreTransactionFailed(
      `The transaction on ${transaction.partition.describe()} failed inside the callback, so none of its writes were saved; fix the failing write (see the error it threw) and run it again.`,
    );
  }
  await transaction.prepare();
  await transaction.flush();
  return result;
}
