/**
 * Timestamped state (spec §6): values per prefix and event time with a grace period, and the
 * stores that hold them on every backend.
 *
 * @module
 */
export * from './timestamped-transaction.js';
export * from './timestamped-state.js';
export * from './timestamped-partition.js';
export * from './timestamped-store.js';
