/**
 * `State`: the key/value view user code gets, bound to one transaction and one prefix
 * (normally the message key). It owns nothing and delegates every call to its transaction.
 *
 * @module
 */
import type { PartitionTransaction } from './transaction.js';

/** A key/value view of one prefix inside one transaction. Reads are async, writes synchronous. */
export interface State {
  /** The prefix bytes the view is bound to. */
  readonly prefix: Uint8Array;
  /**
   * @param key - a key (bytes used as is, anything else serialized)
   * @param defaultValue - returned when the key is missing (not when it holds `null`)
   * @returns the value, or `defaultValue`
   * @throws StateSerializationError when the key or the stored value cannot be (de)serialized
   * @throws StateTransactionError when the transaction is no longer STARTED
   *
   * Typed by overload: without a default the value may be missing (`T | undefined`, `T` given
   * explicitly, e.g. `get<number>('total')`); with one it is `T`, inferred from the default
   * (`get('total', 0)` is a `Promise<number>`). Values are not checked at run time: `T` is what you
   * stored.
   */
  get<T = unknown>(key: unknown, defaultValue?: undefined): Promise<T | undefined>;
  get<T>(key: unknown, defaultValue: T): Promise<T>;
  /**
   * @param defaultValue - returned for each missing key
   * @returns the values, aligned with `keys` (read in one database round trip); typed like
   *   {@link State.get}: `T[]` with a default, `(T | undefined)[]` without
   */
  getMany<T = unknown>(keys: readonly unknown[], defaultValue?: undefined): Promise<(T | undefined)[]>;
  getMany<T>(keys: readonly unknown[], defaultValue: T): Promise<T[]>;
  /**
   * @param defaultValue - returned when the key is missing
   * @returns the stored bytes, or `defaultValue` (`Uint8Array` with a default)
   */
  getBytes(key: unknown, defaultValue?: undefined): Promise<Uint8Array | undefined>;
  getBytes(key: unknown, defaultValue: Uint8Array): Promise<Uint8Array>;
  /**
   * @param value - a serializable value
   * @throws StateSerializationError when the value cannot be serialized (the transaction FAILS)
   */
  set(key: unknown, value: unknown): void;
  /**
   * @param value - the bytes to store verbatim (an empty array is a value)
   */
  setBytes(key: unknown, value: Uint8Array): void;
  /** @param key - a key to delete (deleting a missing key is fine) */
  delete(key: unknown): void;
  /**
   * @returns whether it holds a value (a stored `null` counts)
   */
  exists(key: unknown): Promise<boolean>;
}

/** The {@link State} of a plain {@link PartitionTransaction}. */
export class TransactionState implements State {
  /** @inheritDoc */
  readonly prefix: Uint8Array;
  /** The transaction this view writes to. */
  protected readonly transaction: PartitionTransaction;

  /**
   * Use `transaction.asState(prefix)`.
   * @param prefix - the prefix bytes
   */
  constructor(transaction: PartitionTransaction, prefix: Uint8Array) {
    this.transaction = transaction;
    this.prefix = prefix;
  }

  /** @inheritDoc */
  get<T = unknown>(key: unknown, defaultValue?: undefined): Promise<T | undefined>;
  get<T>(key: unknown, defaultValue: T): Promise<T>;
  get<T>(key: unknown, defaultValue?: T): Promise<T | undefined> {
    return this.transaction.get<T | undefined>(key, this.prefix, defaultValue);
  }

  /** @inheritDoc */
  getMany<T = unknown>(keys: readonly unknown[], defaultValue?: undefined): Promise<(T | undefined)[]>;
  getMany<T>(keys: readonly unknown[], defaultValue: T): Promise<T[]>;
  getMany<T>(keys: readonly unknown[], defaultValue?: T): Promise<(T | undefined)[]> {
    return this.transaction.getMany<T | undefined>(keys, this.prefix, defaultValue);
  }

  /** @inheritDoc */
  getBytes(key: unknown, defaultValue?: undefined): Promise<Uint8Array | undefined>;
  getBytes(key: unknown, defaultValue: Uint8Array): Promise<Uint8Array>;
  getBytes(key: unknown, defaultValue?: Uint8Array): Promise<Uint8Array | undefined> {
    return this.transaction.getBytes(key, this.prefix, defaultValue as Uint8Array);
  }

  /** @inheritDoc */
  set(key: unknown, value: unknown): void {
    this.transaction.set(key, value, this.prefix);
  }

  /** @inheritDoc */
  setBytes(key: unknown, value: Uint8Array): void {
    this.transaction.setBytes(key, value, this.prefix);
  }

  /** @inheritDoc */
  delete(key: unknown): void {
    this.transaction.delete(key, this.prefix);
  }

  /** @inheritDoc */
  exists(key: unknown): Promise<boolean> {
    return this.transaction.exists(key, this.prefix);
  }
}
