/**
 * Kinds of stores beyond plain key/value ones: windowed (spec §5) and timestamped (spec §6). A
 * kind's module registers itself here with {@link registerStoreKind}; the manager's
 * `registerWindowedStore` / `registerTimestampedStore` look the kind up, so the manager does not
 * import the kinds and a kind that has not been built yet is a clear error, not a missing import.
 *
 * @module
 */
import type { Store, StoreConfig } from './store.js';
import type { StoreBackend } from './store-backend.js';

/** Names of the store kinds the manager knows how to register. */
export type StoreKindName = 'windowed' | 'timestamped';

/** Per-kind options: what `registerTimestampedStore` passes through. */
export interface TimestampedStoreKindOptions {
  /** How far below the latest timestamp of a key entries stay readable, in ms. */
  graceMs: number;
  /** Keep every entry of one timestamp (true) or only the last (false). */
  keepDuplicates: boolean;
}

/** A kind of store and how to make one on any backend. */
export interface StoreKind<K = unknown> {
  /** The kind's name. */
  readonly name: StoreKindName;
  /**
   * Make a store of this kind.
   * @param storeBackend - the backend its partitions live in
   * @param config - the store's configuration
   * @param kindOptions - the kind's own options (see {@link TimestampedStoreKindOptions})
   */
  create(storeBackend: StoreBackend<any, any>, config: StoreConfig<any>, kindOptions: K): Store<any, any>;
}

const kinds = new Map<StoreKindName, StoreKind<unknown>>();

/**
 * Make a store kind available to the manager.
 * @param kind - the kind
 */
export function registerStoreKind<K>(kind: StoreKind<K>): void {
  kinds.set(kind.name, kind as StoreKind<unknown>);
}

/**
 * @param name - a kind name
 * @returns the kind, or `undefined` when it is not available in this build
 */
export function getStoreKind(name: StoreKindName): StoreKind<unknown> | undefined {
  return kinds.get(name);
}
