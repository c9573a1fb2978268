/**
 * Windowed state: windows keyed by prefix and time, their expiry, collections, and the
 * stores that hold them on every backend.
 *
 * @module
 */
export {
  decodePairKey, encodePairKey, isPairKeyOf, pairKeyBound, type ParsedWindowKey, parseWindowKey,
} from './window-keys.js';
export {
  type ExpireAllWindowsOptions, type ExpiredWindow, type ExpireWindowsOptions, type GetWindowsOptions,
  WindowedPartitionTransaction, type WindowEntry,
} from './windowed-transaction.js';
export { type WindowedState, WindowedTransactionState } from './windowed-state.js';
export { WindowedStorePartition } from './windowed-partition.js';
export { WindowedStore } from './windowed-store.js';
