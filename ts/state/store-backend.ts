/**
 * `StoreBackend`: what a store needs to know about the backend its partitions live in, and the
 * three of them (memory, RocksDB, SlateDB). The store classes of each backend and kind are in
 * `stores.ts`.
 *
 * @module
 */
import type { Backend, BackendName } from '../backends/backend.js';
import { memoryBackend, MEMORY_LOCKED } from '../backends/memory/index.js';
import { rocksDbBackend } from '../backends/rocksdb/index.js';
import { describeDatabaseLocation, SlateDbBackend } from '../backends/slatedb/index.js';
import { RocksDBCorruptedError, RocksDBLockError, SlateDBCorruptedError, SlateDBLockError, StoreCorruptedError, StoreLockError } from '../errors.js';
import type { Logger } from '../logging.js';
import { RocksDBOpenAborted, SlateDBOpenAborted, StoreOpenAborted } from './errors.js';
import type { StoreBackendErrors } from './open-partition.js';
import {
  resolveRocksDBOptions,
  resolveSlateDBOptions,
  resolveStoreOptions,
  ROCKSDB_TUNING_FIELDS,
  SLATEDB_TUNING_FIELDS,
  type ResolvedRocksDBOptions,
  type ResolvedSlateDBOptions,
  type ResolvedStoreOptions,
  type RocksDBOptions,
  type SlateDBOptions,
  type StoreOptions,
} from './options.js';

/** The store a backend is loaded for. */
export interface StoreBackendContext<R extends ResolvedStoreOptions = ResolvedStoreOptions> {
  /** The directory the store lives under. */
  readonly stateDir: string;
  /** The store's resolved options. */
  readonly options: R;
  /** The store's logger, if it was given one. */
  readonly logger?: Logger | undefined;
}

/** How stores use one backend. `O`: the options users give; `R`: the resolved options. */
export interface StoreBackend<O extends StoreOptions = StoreOptions, R extends ResolvedStoreOptions = ResolvedStoreOptions> {
  /** The backend's name. */
  readonly name: BackendName;
  /**
   * True when each partition is a directory under the state directory (the manager then creates
   * the directory in `init()` and deletes it in `clearStores()`).
   */
  readonly localDirectory: boolean;
  /** The errors a failed open ends with. */
  readonly errors: StoreBackendErrors;
  /**
   * @param store - the store the backend is for (called once per store)
   * @returns the backend (loaded lazily, so runtimes without it never import it)
   */
  loadBackend(store: StoreBackendContext<R>): Promise<Backend>;
  /**
   * @param options - the options users gave (omitted: defaults)
   * @returns validated, frozen options with defaults filled in
   * @throws InvalidOptionsError on a bad field
   */
  resolveOptions(options: O | undefined): R;
  /**
   * @returns the backend-specific `settings` of `backend.open`
   */
  openSettings(options: R, stateDir: string): Record<string, unknown>;
  /**
   * Where a partition path really lives, for log lines, when that is not the path itself (a
   * SlateDB store on an explicit object store: `s3://bucket/prefix/<store>/<stream>/<partition>`).
   */
  describePath?(path: string, stateDir: string, options: R): string;
}

/** Options of memory stores: the shared {@link StoreOptions}. */
export type MemoryOptions = StoreOptions;

/**
 * Memory: partitions live in the process-wide memory backend under their path, so a revoked and
 * reassigned partition finds its data again while the process lives.
 */
export const memoryStoreBackend: StoreBackend<MemoryOptions, ResolvedStoreOptions> = Object.freeze({
  name: 'memory',
  localDirectory: false,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new StoreLockError(path, message, { ...options, code: MEMORY_LOCKED }),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new StoreCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new StoreOpenAborted(path, message),
  },
  loadBackend: async () => memoryBackend,
  resolveOptions: (options: MemoryOptions | undefined) => resolveStoreOptions(options, 'memoryOptions'),
  openSettings: () => ({}),
});

/** RocksDB: each partition is a RocksDB directory; the native addon loads when the first partition opens. */
export const rocksDbStoreBackend: StoreBackend<RocksDBOptions, ResolvedRocksDBOptions> = Object.freeze({
  name: 'rocksdb',
  localDirectory: true,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new RocksDBLockError(path, message, options),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new RocksDBCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new RocksDBOpenAborted(path, message),
  },
  loadBackend: async () => rocksDbBackend,
  resolveOptions: (options: RocksDBOptions | undefined) => resolveRocksDBOptions(options),
  openSettings: (options: ResolvedRocksDBOptions) => pick(options, ROCKSDB_TUNING_FIELDS),
});

/**
 * SlateDB: each partition is a SlateDB database in an object store (local files in the state
 * directory by default), opened exclusively through a lease. Each store gets its own backend
 * instance whose defaults are the store's options and whose root is the store's state directory,
 * so opening, `exists` and `destroy` of a partition reach the same objects (a partition's key in
 * an explicit object store is `<store>/<stream>/<partition>`).
 */
export const slateDbStoreBackend: StoreBackend<SlateDBOptions, ResolvedSlateDBOptions> = Object.freeze({
  name: 'slatedb',
  localDirectory: false,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new SlateDBLockError(path, message, options),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new SlateDBCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new SlateDBOpenAborted(path, message),
  },
  loadBackend: async ({ stateDir, options, logger }: StoreBackendContext<ResolvedSlateDBOptions>) =>
    new SlateDbBackend({ ...slateDbOpenSettings(options, stateDir), ...(logger === undefined ? {} : { logger }) }),
  resolveOptions: (options: SlateDBOptions | undefined) => resolveSlateDBOptions(options),
  openSettings: slateDbOpenSettings,
  describePath: (path: string, stateDir: string, options: ResolvedSlateDBOptions) => describeDatabaseLocation(path, stateDir, options.objectStore),
});

function slateDbOpenSettings(options: ResolvedSlateDBOptions, stateDir: string): Record<string, unknown> {
  return { ...pick(options, SLATEDB_TUNING_FIELDS), root: stateDir };
}

function pick(options: object, fields: readonly string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    const value = (options as Record<string, unknown>)[field];
    if (value !== undefined) settings[field] = value;
  }
  return settings;
}
