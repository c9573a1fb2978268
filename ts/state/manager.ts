/**
 * `StateStoreManager`: the registry of an application's stores, keyed by stream id and
 * store name, which opens and closes their partitions as Kafka assigns and revokes them.
 *
 * Layout on disk (RocksDB): `<stateDir>/<groupId>/<storeName>/<streamId>/<partition>`.
 *
 * @module
 */
import type { Backend, BackendName } from '../backends/backend.js';
import { getLogger, type Logger } from '../logging.js';
import { changelogTopicName, type ChangelogProducerFactory, type ChangelogTopic } from './changelog.js';
import { DEFAULT_STATE_STORE_NAME } from './constants.js';
import { chooseDefaultBackend } from './default-backend.js';
import {
  InvalidOptionsError,
  PartitionStoreIsUsed,
  StateDirectoryError,
  StoreAlreadyRegisteredError,
  StoreNotRegisteredError,
} from './errors.js';
import { assertPathSafeName } from './names.js';
import type { OpenDeadline } from './open-deadline.js';
import type { RocksDBOptions, SlateDBOptions, StoreOptions } from './options.js';
import type { StorePartition } from './partition.js';
import { assertStateDirLocation, resolveStateDir } from './paths.js';
import type { Store, StoreConfig } from './store.js';
import { STORES, type StoreKindName, type StoreRow } from './stores.js';
import type { TimestampedStore, TimestampedStoreKindOptions } from './timestamped/timestamped-store.js';
import type { WindowedStore } from './windowed/windowed-store.js';

/** Options of {@link StateStoreManager}. */
export interface StateStoreManagerOptions {
  /** Directory (or, for non-file backends, namespace) of all state. Default `'state'`, resolved against the working directory. */
  stateDir?: string;
  /** Consumer group; stores live under `<stateDir>/<groupId>` when given. */
  groupId?: string;
  /** Backend of the stores. Default: `'rocksdb'` where its native addon loads, else `'slatedb'` (the manager logs which and why, at info). */
  backend?: BackendName;
  /** Options of RocksDB stores. */
  rocksdbOptions?: RocksDBOptions;
  /** Options of SlateDB stores (see {@link SlateDBOptions}). */
  slatedbOptions?: SlateDBOptions;
  /** Options of memory stores. */
  memoryOptions?: StoreOptions;
  /**
   * Binds a changelog topic to a producer factory, once per registered store (unless registered
   * with `changelog: false`). Omitted: no store has a changelog.
   */
  changelogProducerFactory?: (topic: ChangelogTopic) => ChangelogProducerFactory;
  /** Aborts waits between partition open attempts (the application is stopping). */
  signal?: AbortSignal;
  /** Stops partition open retries when it passes (armed per rebalance by the caller). */
  openDeadline?: OpenDeadline;
  /** A backend instance to use instead of the named backend's default one (e.g. an isolated `new MemoryBackend()`). */
  backendInstance?: Backend;
  /** Logger; the one installed with `setLogger` when omitted. */
  logger?: Logger;
}

/** Options of {@link StateStoreManager.registerStore} and the other `register*` methods. */
export interface RegisterStoreOptions {
  /** Put this store in another backend than the manager's. */
  backend?: BackendName;
  /** Give the store a changelog (when the manager has a factory). Default true. */
  changelog?: boolean;
}

const KNOWN_OPTIONS = new Set([
  'stateDir',
  'groupId',
  'backend',
  'rocksdbOptions',
  'slatedbOptions',
  'memoryOptions',
  'changelogProducerFactory',
  'signal',
  'openDeadline',
  'backendInstance',
  'logger',
]);

/** The registry of stores; see the module documentation. */
export class StateStoreManager {
  /** The effective state directory: `stateDir` made absolute, then `/ groupId`. */
  readonly stateDir: string;
  /** The consumer group (empty when none). */
  readonly groupId: string;
  /** The default backend of stores. */
  readonly backend: BackendName;
  readonly #options: StateStoreManagerOptions;
  readonly #stores = new Map<string | null, Map<string, Store>>();
  /** The kind of each store registered with `registerWindowedStore` / `registerTimestampedStore`. */
  readonly #kinds = new WeakMap<Store, StoreKindName>();
  #initialized: Promise<void> | undefined;

  /**
   * @param options - directory, group, backend and its options, changelog, logger
   * @throws InvalidOptionsError on an unknown option, a backend that is not available, or a bad value
   */
  constructor(options: StateStoreManagerOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new InvalidOptionsError(
        `StateStoreManager options must be an object such as { stateDir: 'state', groupId: 'my-app' } (or omitted), got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`,
      );
    }
    for (const field of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(field)) {
        throw new InvalidOptionsError(`Unknown StateStoreManager option "${field}"; the known options are ${[...KNOWN_OPTIONS].join(', ')}.`);
      }
    }
    const stateDir = options.stateDir ?? 'state';
    if (typeof stateDir !== 'string' || stateDir.length === 0) {
      throw new InvalidOptionsError(`stateDir must be a non-empty path, got ${typeof stateDir === 'string' ? 'an empty string' : String(stateDir)}.`);
    }
    assertStateDirLocation(stateDir, 'stateDir');
    if (options.groupId !== undefined) assertPathSafeName(options.groupId, 'store name');
    if (options.backend === undefined) {
      const { backend, reason } = chooseDefaultBackend();
      (options.logger ?? getLogger()).info(`State backend: ${backend === 'rocksdb' ? 'RocksDB' : 'SlateDB'} (no backend option given; ${reason}).`);
      this.backend = backend;
    } else {
      this.backend = options.backend;
    }
    registeredBackend(this.backend);
    this.groupId = options.groupId ?? '';
    this.stateDir = resolveStateDir(stateDir, options.groupId);
    this.#options = options;
  }

  /** The registered stores, by stream id, then by name. */
  get stores(): ReadonlyMap<string | null, ReadonlyMap<string, Store>> {
    return this.#stores;
  }

  /** True when stores get changelogs (a changelog producer factory was given). */
  get usingChangelogs(): boolean {
    return this.#options.changelogProducerFactory !== undefined;
  }

  /**
   * Create the state directory (with parents) for backends that keep files there. Idempotent;
   * `onPartitionAssign` calls it when needed.
   * @throws StateDirectoryError when the path exists and is not a directory
   */
  init(): Promise<void> {
    this.#initialized ??= this.#createDirectory().catch((error) => {
      this.#initialized = undefined;
      throw error;
    });
    return this.#initialized;
  }

  /**
   * Register a plain key/value store; registering a name again (any kind) does nothing.
   * @param streamId - the stream (topic) it belongs to, or `null`
   * @param storeName - the store name; default `'default'`
   * @param options - another backend; no changelog
   * @returns the store
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when the backend is not available or its options are invalid
   */
  registerStore(streamId: string | null, storeName: string = DEFAULT_STATE_STORE_NAME, options: RegisterStoreOptions = {}): Store {
    const existing = this.#stores.get(streamId)?.get(storeName);
    if (existing !== undefined) return existing;
    return this.#create('plain', streamId, storeName, options, undefined);
  }

  /**
   * Register a windowed store.
   * @param streamId - the stream it belongs to, or `null`
   * @param storeName - the store name (e.g. `tumbling_window_60000_sum`)
   * @param options - another backend; no changelog
   * @returns the store (its transactions are `WindowedPartitionTransaction`s)
   * @throws StoreAlreadyRegisteredError when the name is taken for this stream
   */
  registerWindowedStore(streamId: string | null, storeName: string, options: RegisterStoreOptions = {}): WindowedStore {
    return this.#registerKind('windowed', streamId, storeName, options, undefined) as WindowedStore;
  }

  /**
   * Register a timestamped store.
   * @param streamId - the stream it belongs to, or `null`
   * @param storeName - the store name (e.g. `join`)
   * @param options - grace period, duplicates, another backend, no changelog
   * @returns the store (its transactions are `TimestampedPartitionTransaction`s)
   * @throws StoreAlreadyRegisteredError when the name is taken for this stream
   */
  registerTimestampedStore(
    streamId: string | null,
    storeName: string,
    options: RegisterStoreOptions & TimestampedStoreKindOptions,
  ): TimestampedStore {
    const { graceMs, keepDuplicates, ...registration } = options;
    return this.#registerKind('timestamped', streamId, storeName, registration, { graceMs, keepDuplicates }) as TimestampedStore;
  }

  /**
   * @param streamId - the stream id, or `null`
   * @param storeName - the store name; default `'default'`
   * @returns the store
   * @throws StoreNotRegisteredError when it was not registered
   */
  getStore(streamId: string | null, storeName: string = DEFAULT_STATE_STORE_NAME): Store {
    const store = this.#stores.get(streamId)?.get(storeName);
    if (store === undefined) {
      throw new StoreNotRegisteredError(`Store "${storeName}" (stream_id "${streamId}") is not registered; register it with registerStore() first.`);
    }
    return store;
  }

  /**
   * The windowed store registered under this name, typed as one (its transactions are
   * `WindowedPartitionTransaction`s), for the window operators and `tx.asState(key).getWindow(...)`.
   * @param streamId - the stream id, or `null`
   * @param storeName - the store name (e.g. a window's `storeName`)
   * @returns the store
   * @throws StoreNotRegisteredError when no store of that name is registered, or it is not a
   *   windowed one (register it with `registerWindowedStore`)
   */
  getWindowedStore(streamId: string | null, storeName: string): WindowedStore {
    return this.#getKind('windowed', streamId, storeName) as WindowedStore;
  }

  /**
   * The timestamped store registered under this name, typed as one (its transactions are
   * `TimestampedPartitionTransaction`s).
   * @param streamId - the stream id, or `null`
   * @param storeName - the store name
   * @returns the store
   * @throws StoreNotRegisteredError when no store of that name is registered, or it is not a
   *   timestamped one (register it with `registerTimestampedStore`)
   */
  getTimestampedStore(streamId: string | null, storeName: string): TimestampedStore {
    return this.#getKind('timestamped', streamId, storeName) as TimestampedStore;
  }

  /**
   * Open one partition of every store of a stream. When one fails, the ones opened by this call
   * are closed again and the first error is thrown.
   * @param streamId - the stream id, or `null`
   * @param partition - the partition number
   * @returns the opened partitions by store name (empty when the stream has no stores)
   */
  async onPartitionAssign(streamId: string | null, partition: number): Promise<Record<string, StorePartition>> {
    const stores = [...(this.#stores.get(streamId)?.values() ?? [])];
    if (stores.length === 0) return {};
    await this.init();
    const results = await Promise.allSettled(stores.map((store) => store.assignPartition(partition)));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(stores.map((store, index) => (results[index]!.status === 'fulfilled' ? store.revokePartition(partition) : undefined)));
      throw failure.reason;
    }
    return Object.fromEntries(stores.map((store, index) => [store.name, (results[index] as PromiseFulfilledResult<StorePartition>).value]));
  }

  /**
   * Close one partition of every store of a stream.
   * @param streamId - the stream id, or `null`
   * @param partition - the partition number
   */
  async onPartitionRevoke(streamId: string | null, partition: number): Promise<void> {
    await Promise.all([...(this.#stores.get(streamId)?.values() ?? [])].map((store) => store.revokePartition(partition)));
  }

  /**
   * Delete the data of one partition of every store of a stream (each revoked first).
   * @param streamId - the stream id, or `null`
   * @param partition - the partition number
   * @returns the names of the stores whose data was deleted
   */
  async destroyPartitionState(streamId: string | null, partition: number): Promise<string[]> {
    const destroyed: string[] = [];
    for (const store of this.#stores.get(streamId)?.values() ?? []) {
      if (await store.destroyPartition(partition)) destroyed.push(store.name);
    }
    return destroyed;
  }

  /**
   * Delete all state: the state directory for file backends; for the others, every partition
   * database of the registered stores that this manager has opened.
   * @throws PartitionStoreIsUsed when any partition is assigned (revoke them first)
   */
  async clearStores(): Promise<void> {
    for (const store of this.#allStores()) {
      if (store.partitions.size > 0) throw new PartitionStoreIsUsed('Cannot clear stores with active partitions assigned; revoke them (or close the manager) first.');
    }
    for (const store of this.#allStores()) await store.destroy();
    if ([...this.#allStores()].some((store) => store.storeBackend.localDirectory) || registeredBackend(this.backend).storeBackend.localDirectory) {
      const { rm } = await import('node:fs/promises');
      await rm(this.stateDir, { recursive: true, force: true }).catch(() => undefined);
    }
    this.#initialized = undefined;
    this.#logger.info(`Cleared all state under "${this.stateDir}".`);
  }

  /** Close every store (revoking all partitions). The manager stays usable. */
  async close(): Promise<void> {
    await Promise.all([...this.#allStores()].map((store) => store.close()));
  }

  get #logger(): Logger {
    return this.#options.logger ?? getLogger();
  }

  *#allStores(): Iterable<Store> {
    for (const byName of this.#stores.values()) yield* byName.values();
  }

  #registerKind(
    kindName: StoreKindName,
    streamId: string | null,
    storeName: string,
    options: RegisterStoreOptions,
    kindOptions: unknown,
  ): Store {
    if (this.#stores.get(streamId)?.has(storeName)) {
      throw new StoreAlreadyRegisteredError(
        `Store "${storeName}" (stream_id "${streamId}") is already registered. This window range and type combination already exists; give the ${kindName} operation a unique name.`,
      );
    }
    const store = this.#create(kindName, streamId, storeName, options, kindOptions);
    this.#kinds.set(store, kindName);
    return store;
  }

  #create(kind: StoreKindName, streamId: string | null, storeName: string, options: RegisterStoreOptions, kindOptions: unknown): Store {
    const row = registeredBackend(options.backend ?? this.backend);
    const config = this.#storeConfig(row, streamId, storeName, options);
    return this.#add(streamId, storeName, new row[kind](config, kindOptions as TimestampedStoreKindOptions));
  }

  #getKind(kindName: StoreKindName, streamId: string | null, storeName: string): Store {
    const store = this.getStore(streamId, storeName);
    const kind = this.#kinds.get(store);
    if (kind !== kindName) {
      const register = kindName === 'windowed' ? 'registerWindowedStore' : 'registerTimestampedStore';
      throw new StoreNotRegisteredError(
        `Store "${storeName}" (stream_id "${streamId}") is registered as a ${kind ?? 'plain key/value'} store, not a ${kindName} one; ` +
          `register it with ${register}() (or read it with getStore()).`,
      );
    }
    return store;
  }

  #add(streamId: string | null, storeName: string, store: Store): Store {
    let byName = this.#stores.get(streamId);
    if (byName === undefined) this.#stores.set(streamId, (byName = new Map()));
    byName.set(storeName, store);
    return store;
  }

  #storeConfig(entry: StoreRow, streamId: string | null, storeName: string, options: RegisterStoreOptions): StoreConfig {
    assertPathSafeName(storeName, 'store name');
    if (streamId !== null) assertPathSafeName(streamId, 'stream id');
    const manager = this.#options;
    const factory =
      manager.changelogProducerFactory !== undefined && options.changelog !== false
        ? manager.changelogProducerFactory({
            name: changelogTopicName(this.groupId, streamId, storeName),
            groupId: this.groupId,
            streamId,
            storeName,
          })
        : undefined;
    const backendOptions = { rocksdb: manager.rocksdbOptions, slatedb: manager.slatedbOptions, memory: manager.memoryOptions }[entry.storeBackend.name];
    const sameBackend = entry.storeBackend.name === this.backend;
    return {
      name: storeName,
      streamId,
      stateDir: this.stateDir,
      ...(backendOptions === undefined ? {} : { options: backendOptions }),
      ...(factory === undefined ? {} : { changelogProducerFactory: factory }),
      ...(sameBackend && manager.backendInstance !== undefined ? { backend: manager.backendInstance } : {}),
      ...(manager.signal === undefined ? {} : { signal: manager.signal }),
      ...(manager.openDeadline === undefined ? {} : { openDeadline: manager.openDeadline }),
      ...(manager.logger === undefined ? {} : { logger: manager.logger }),
    };
  }

  async #createDirectory(): Promise<void> {
    if (!registeredBackend(this.backend).storeBackend.localDirectory) return;
    const { mkdir, stat } = await import('node:fs/promises').catch((cause: unknown) => {
      throw new StateDirectoryError(
        `The "${this.backend}" backend keeps its files in a local directory, and this runtime has no file system ` +
          `(node:fs/promises: ${(cause as Error)?.message ?? cause}). Use backend "slatedb" with an object store ` +
          '(e.g. slatedbOptions.objectStore = "s3://bucket/prefix" or "memory://"), or "memory".',
        { cause },
      );
    });
    const existing = await stat(this.stateDir).catch(() => undefined);
    if (existing !== undefined && !existing.isDirectory()) {
      throw new StateDirectoryError(`The state directory "${this.stateDir}" exists and is not a directory; remove it or choose another stateDir.`);
    }
    try {
      await mkdir(this.stateDir, { recursive: true });
    } catch (cause) {
      throw new StateDirectoryError(`Cannot create the state directory "${this.stateDir}": ${(cause as Error).message}. Choose another stateDir.`, { cause });
    }
  }
}

function registeredBackend(name: BackendName): StoreRow {
  const entry = Object.hasOwn(STORES, name) ? STORES[name] : undefined;
  if (entry === undefined) {
    throw new InvalidOptionsError(
      `The "${String(name)}" backend is not available for state stores; use "rocksdb", "slatedb" or "memory".`,
    );
  }
  return entry;
}
