/**
 * The status of a {@link PartitionTransaction}:
 *
 * ```
 * STARTED --prepare()--> PREPARED --flush()--> COMPLETE
 *    \--------------flush()------------------> COMPLETE
 * any failing write, prepare or flush -------> FAILED
 * ```
 *
 * Reads and writes are allowed only in STARTED; `flush` in STARTED and PREPARED; nothing in
 * COMPLETE or FAILED.
 *
 * @module
 */
import type { PartitionTransaction } from './transaction.js';

/** The transaction statuses, with the reference's numeric values. */
export const PartitionTransactionStatus = Object.freeze({
  STARTED: 1,
  PREPARED: 2,
  COMPLETE: 3,
  FAILED: 4,
} as const);

/** One of {@link PartitionTransactionStatus}'s values. */
export type PartitionTransactionStatus = (typeof PartitionTransactionStatus)[keyof typeof PartitionTransactionStatus];

const NAMES: Record<PartitionTransactionStatus, string> = { 1: 'STARTED', 2: 'PREPARED', 3: 'COMPLETE', 4: 'FAILED' };

/**
 * @returns its name, e.g. `'PREPARED'`
 */
export function statusName(status: PartitionTransactionStatus): string {
  return NAMES[status];
}
