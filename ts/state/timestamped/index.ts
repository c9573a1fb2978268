/**
 * Timestamped state: values per prefix and event time with a grace period, and the
 * stores that hold them on every backend.
 *
 * @module
 */
export { TimestampedPartitionTransaction, type TimestampedSettings } from './timestamped-transaction.js';
export { type TimestampedState, TimestampedTransactionState } from './timestamped-state.js';
export { TimestampedStorePartition } from './timestamped-partition.js';
export { TimestampedStore, type TimestampedStoreKindOptions } from './timestamped-store.js';
