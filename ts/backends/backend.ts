/**
 * The Backend contract: the small set of operations the state layer needs from a database, defined
 * once. The state layer (stores, partitions, transactions, windows, timestamps, recovery) is written
 * above this contract; a backend (memory, RocksDB, SlateDB) implements only this file's interfaces.
 *
 * Semantics every backend must meet (checked by the backend conformance suite):
 * - One {@link BackendDatabase} per partition path; {@link Backend.open} is exclusive: a second open
 *   of the same path, from this process or another, throws a {@link StoreLockError} subclass.
 *   {@link Backend.destroy} of a path open in this process throws one too.
 * - Corrupted data found at open throws a {@link StoreCorruptedError} subclass.
 * - Data survives close and reopen of the same path through the same backend (in the memory
 *   backend too, until destroyed); `supports.persistent` says whether it also survives the process.
 * - Column families are independent ordered key spaces, named by strings. `default` always exists;
 *   another family exists once it has been written to or listed in `columnFamilies` at open; reading
 *   an absent family finds nothing and does not create it.
 * - Keys are ordered bytewise (unsigned, lexicographic; a proper prefix sorts first).
 * - {@link BackendDatabase.write} applies all operations of a batch atomically and durably (per
 *   the backend's durability setting): after a crash either all are visible or none. A write with
 *   `durable: false` is just as atomic; a crash may lose it, but only together with every write
 *   made after it (a suffix of the writes), until {@link BackendDatabase.sync} or `close` returns.
 * - {@link BackendDatabase.iterate} honours both bounds in both directions: `gte` inclusive, `lt`
 *   exclusive; empty when `gte >= lt`. It reads a consistent snapshot taken at its first step:
 *   writes made while it runs are not seen.
 * - Bytes are copied in and out: changing an array after writing it, or one that was read, changes
 *   nothing stored (except for a batch the state layer marked, see `markCheckedBatch`).
 * - Any call after {@link BackendDatabase.close} rejects with a `StreamstateError` of code
 *   `'BACKEND_CLOSED'`.
 *
 * @module
 */

/** Which backend. */
export type BackendName = 'memory' | 'rocksdb' | 'slatedb';

/** The column family every partition has for user data. */
export const DEFAULT_CF = 'default';

/** One operation of an atomic batch: a put when `value` is set, a delete when it is `undefined`. */
export interface BatchOperation {
  /** Column family name. */
  cf: string;
  /** The key. */
  key: Uint8Array;
  /** The value to store, or `undefined` to delete the key. An empty array is a value, not a delete. */
  value: Uint8Array | undefined;
}

/** Bounds and direction of {@link BackendDatabase.iterate}. */
export interface IterateOptions {
  /** Column family name. */
  cf: string;
  /** Inclusive lower bound; unbounded when omitted. */
  gte?: Uint8Array;
  /** Exclusive upper bound; unbounded when omitted. */
  lt?: Uint8Array;
  /** Descending order (starting below `lt`) when true. Default false. */
  reverse?: boolean;
  /** Stop after this many entries. */
  limit?: number;
}

/** What a backend can do, so callers ask instead of checking classes. */
export interface BackendSupports {
  /** Data survives the process (it is on disk or in object storage), not only close and reopen. */
  persistent: boolean;
  /** Column families are native (`true`) or emulated with key prefixes (`false`). */
  nativeColumnFamilies: boolean;
  /** The database can be opened from another process (so cross-process locking matters). */
  multiProcess: boolean;
}

/** Options of {@link Backend.open}. */
export interface BackendOpenOptions {
  /** Column families to create (or open) right away. Others are created on first write. */
  columnFamilies?: string[];
  /** Backend-specific settings (RocksDB tuning, SlateDB settings and object store, ...). */
  settings?: Record<string, unknown>;
}

/** One open partition database. */
export interface BackendDatabase {
  /** The path it was opened at. */
  readonly path: string;
  /** Capability manifest of the backend that opened it. */
  readonly supports: BackendSupports;
  /** Read one key; `undefined` when absent (or the family does not exist). */
  get(cf: string, key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Read many keys of one family at once; the answer is aligned with `keys`. */
  getMany(cf: string, keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Apply a batch atomically. Later operations on the same key win. With `durable: false` it may
   * resolve before the batch is durable (still atomic; a crash loses it only with every later
   * write); {@link BackendDatabase.sync} or `close` makes it durable. A backend without `sync`
   * ignores the option: its every write is durable when it resolves.
   */
  write(operations: BatchOperation[], options?: { durable?: boolean }): Promise<void>;
  /**
   * Make every batch written so far durable (per the backend's durability setting). Only a backend
   * that honours `durable: false` in {@link BackendDatabase.write} has it.
   */
  sync?(): Promise<void>;
  /** Iterate `[key, value]` pairs within bounds; see {@link IterateOptions}. */
  iterate(options: IterateOptions): AsyncIterable<[Uint8Array, Uint8Array]>;
  /** Names of the families that exist. */
  listColumnFamilies(): Promise<string[]>;
  /** Close; releases the lock. Idempotent. */
  close(): Promise<void>;
}

/** A database engine the state layer can store partitions in. */
export interface Backend {
  /** Which backend. */
  readonly name: BackendName;
  /** Capability manifest. */
  readonly supports: BackendSupports;
  /**
   * Open (creating if missing) the database at `path`, exclusively.
   * @throws StoreLockError (subclass) when another opener holds it; the caller's retry loop retries.
   * @throws StoreCorruptedError (subclass) when its data is corrupted.
   */
  open(path: string, options?: BackendOpenOptions): Promise<BackendDatabase>;
  /** Delete the database at `path` (it must not be open). Succeeds when nothing is there. */
  destroy(path: string): Promise<void>;
  /** Whether a database exists at `path`. */
  exists(path: string): Promise<boolean>;
}
