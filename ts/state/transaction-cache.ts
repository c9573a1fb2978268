/**
 * The update cache of a transaction: what it has set and deleted, per column family,
 * with updates bucketed by the prefix they were written under.
 *
 * - `set` stores the value in its prefix bucket and forgets an earlier delete of the key;
 * - `delete` removes the key from that prefix bucket only and records the delete for the family;
 * - `get` answers {@link Marker.DELETED} for a deleted key (whatever the bucket), the cached bytes, or
 *   {@link Marker.UNDEFINED} ("not in the cache; read the database").
 *
 * Keys are held with their order-preserving string form (see `bytesToKeyString`), so range reads
 * can compare and sort them as strings.
 *
 * @module
 */
import { bytesToKeyString } from './bytes.js';

const UNDEFINED: unique symbol = Symbol('UNDEFINED');
const DELETED: unique symbol = Symbol('DELETED');

/** The markers {@link PartitionTransactionCache.get} answers besides bytes. */
export const Marker = Object.freeze({
  /** Not in the cache: consult the database. */
  UNDEFINED,
  /** Deleted in this transaction: do not consult the database. */
  DELETED,
} as const);

/** What {@link PartitionTransactionCache.get} answers. */
export type CacheLookup = Uint8Array | typeof UNDEFINED | typeof DELETED;

/** One cached update. */
export interface CachedEntry {
  /** The serialized key. */
  readonly key: Uint8Array;
  /** The bytes to store. */
  readonly value: Uint8Array;
}

/** The updates made under one prefix, by key string, in insertion order. */
export interface PrefixBucket {
  /** The prefix the updates were written under. */
  readonly prefix: Uint8Array;
  /** Updates by the key's string form. */
  readonly entries: ReadonlyMap<string, CachedEntry>;
}

/** One update (`value` set) or delete (`value: undefined`) from {@link PartitionTransactionCache.operations}. */
export interface CachedOperation {
  /** The column family. */
  readonly cf: string;
  /** The serialized key. */
  readonly key: Uint8Array;
  /** The bytes to store, or `undefined` to delete. */
  readonly value: Uint8Array | undefined;
}

interface MutableBucket {
  readonly prefix: Uint8Array;
  readonly entries: Map<string, CachedEntry>;
}

/** Per-transaction cache of updates and deletes. */
export class PartitionTransactionCache {
  readonly #updated = new Map<string, Map<string, MutableBucket>>();
  readonly #deleted = new Map<string, Map<string, Uint8Array>>();
  #empty = true;
  #operations: readonly CachedOperation[] | undefined;

  /**
   * Cache an update.
   * @param value - bytes to store (kept by reference: pass a copy you will not change)
   * @param prefix - the prefix it was written under
   */
  set(key: Uint8Array, value: Uint8Array, prefix: Uint8Array, cfName: string): void {
    const keyString = bytesToKeyString(key);
    this.#bucket(cfName, prefix, true)!.entries.set(keyString, { key, value });
    this.#deleted.get(cfName)?.delete(keyString);
    this.#empty = false;
    this.#operations = undefined;
  }

  /**
   * Cache a delete.
   * @param prefix - the prefix whose bucket loses the key's update
   */
  delete(key: Uint8Array, prefix: Uint8Array, cfName: string): void {
    const keyString = bytesToKeyString(key);
    this.#bucket(cfName, prefix, false)?.entries.delete(keyString);
    let deletes = this.#deleted.get(cfName);
    if (deletes === undefined) this.#deleted.set(cfName, (deletes = new Map()));
    deletes.set(keyString, key);
    this.#empty = false;
    this.#operations = undefined;
  }

  /**
   * Look a key up.
   * @param prefix - the prefix bucket to look in
   * @returns the cached bytes, {@link Marker.DELETED}, or {@link Marker.UNDEFINED}
   */
  get(key: Uint8Array, prefix: Uint8Array, cfName: string): CacheLookup {
    const keyString = bytesToKeyString(key);
    if (this.#deleted.get(cfName)?.has(keyString)) return DELETED;
    return this.#bucket(cfName, prefix, false)?.entries.get(keyString)?.value ?? UNDEFINED;
  }

  /**
   * @returns whether the key was deleted in this transaction
   */
  isDeleted(key: Uint8Array, cfName: string): boolean {
    return this.#deleted.get(cfName)?.has(bytesToKeyString(key)) ?? false;
  }

  /** @returns true until the first `set` or `delete` (a set then a delete still counts). */
  isEmpty(): boolean {
    return this.#empty;
  }

  /** @returns the column families with updates or deletes */
  getColumnFamilies(): string[] {
    return [...new Set([...this.#updated.keys(), ...this.#deleted.keys()])];
  }

  /**
   * The one list of operations the partition writes and the changelog produces: per column family
   * (first written first), its updates by prefix bucket in insertion order, then its deletes.
   * Values are the cached bytes themselves (not copied); `value: undefined` is a delete. Built once
   * and reused until the next `set` or `delete`.
   */
  operations(): readonly CachedOperation[] {
    if (this.#operations !== undefined) return this.#operations;
    const operations: CachedOperation[] = [];
    for (const cf of this.getColumnFamilies()) {
      for (const bucket of this.getUpdates(cf)) {
        for (const { key, value } of bucket.entries.values()) operations.push({ cf, key, value });
      }
      for (const key of this.getDeletes(cf).values()) operations.push({ cf, key, value: undefined });
    }
    this.#operations = operations;
    return operations;
  }

  /**
   * @returns its prefix buckets, in the order they were first written (empty for an unknown family)
   */
  getUpdates(cfName: string): Iterable<PrefixBucket> {
    return this.#updated.get(cfName)?.values() ?? [];
  }

  /**
   * @returns that prefix's updates, or `undefined` when nothing was written under it
   */
  getBucket(cfName: string, prefix: Uint8Array): PrefixBucket | undefined {
    return this.#bucket(cfName, prefix, false);
  }

  /**
   * @returns the deleted keys by their string form (empty for an unknown family)
   */
  getDeletes(cfName: string): ReadonlyMap<string, Uint8Array> {
    return this.#deleted.get(cfName) ?? new Map();
  }

  #bucket(cfName: string, prefix: Uint8Array, create: boolean): MutableBucket | undefined {
    let buckets = this.#updated.get(cfName);
    if (buckets === undefined) {
      if (!create) return undefined;
      this.#updated.set(cfName, (buckets = new Map()));
    }
    const prefixString = bytesToKeyString(prefix);
    let bucket = buckets.get(prefixString);
    if (bucket === undefined && create) buckets.set(prefixString, (bucket = { prefix, entries: new Map() }));
    return bucket;
  }
}
