/**
 * Windowed state (spec §5): windows keyed by prefix and time, their expiry, collections, and the
 * stores that hold them on every backend.
 *
 * @module
 */
export * from './window-keys.js';
export * from './windowed-transaction.js';
export * from './windowed-state.js';
export * from './windowed-partition.js';
export * from './windowed-store.js';
