/**
 * `Store`: one logical store (a name within a stream) and the partitions assigned to
 * it, each opened in its own backend database at `<stateDir>/<storeName>/<streamId>/<partition>`.
 * Generic over the backend ({@link StoreBackend}); `stores.ts` has the named class of each backend.
 *
 * Extending it: override {@link Store.createPartition} to give partitions another transaction
 * class (windowed, timestamped state).
 *
 * @module
 */
import { DEFAULT_CF, type Backend, type BackendDatabase } from '../backends/backend.js';
import { getLogger, type Logger } from '../logging.js';
import type { ChangelogProducer, ChangelogProducerFactory } from './changelog.js';
import { METADATA_CF_NAME } from './constants.js';
import { InvalidOptionsError, PartitionNotAssignedError, StateArgumentError } from './errors.js';
import { assertPathSafeName } from './names.js';
import type { OpenDeadline } from './open-deadline.js';
import { openPartitionDatabase } from './open-partition.js';
import type { ResolvedStoreOptions, StoreOptions } from './options.js';
import { formatLogContext, StorePartition } from './partition.js';
import { assertStateDirLocation, joinPath } from './paths.js';
import type { StoreBackend } from './store-backend.js';
import type { PartitionTransaction } from './transaction.js';

/** What a store is made of. */
export interface StoreConfig<O extends StoreOptions = StoreOptions> {
  /** The store name (a directory name). */
  name: string;
  /** The stream (topic) the store belongs to (a directory name), or `null`/omitted for none. */
  streamId?: string | null;
  /** The directory the store lives under (the manager passes `<stateDir>/<groupId>`). */
  stateDir: string;
  /** Backend options (serializer, open retries, tuning). */
  options?: O;
  /** Where partitions produce their changelogs; omitted: no changelog. */
  changelogProducerFactory?: ChangelogProducerFactory;
  /** The backend instance to use instead of the store backend's default one. */
  backend?: Backend;
  /** Aborts waits between open attempts. */
  signal?: AbortSignal;
  /** Stops open retries when it passes. */
  openDeadline?: OpenDeadline;
  /** Logger; the one installed with `setLogger` when omitted. */
  logger?: Logger;
}

/** A store over any backend; see the module documentation. */
export class Store<O extends StoreOptions = StoreOptions, R extends ResolvedStoreOptions = ResolvedStoreOptions> {
  /** The store name. */
  readonly name: string;
  /** The stream id, or `null`. */
  readonly streamId: string | null;
  /** The directory the store lives under. */
  readonly stateDir: string;
  /** The resolved options. */
  readonly options: R;
  /** How this store uses its backend. */
  readonly storeBackend: StoreBackend<O, R>;
  /** The changelog producer factory, if the store has a changelog. */
  readonly changelogProducerFactory: ChangelogProducerFactory | undefined;
  readonly #config: StoreConfig<O>;
  readonly #partitions = new Map<number, StorePartition>();
  readonly #opening = new Map<number, Promise<StorePartition>>();
  // Every partition this store has opened, so destroy() can delete databases a backend cannot list.
  readonly #everOpened = new Set<number>();
  #backend: Promise<Backend> | undefined;

  /**
   * @param storeBackend - the backend the partitions live in
   * @param config - name, stream, directory, options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(storeBackend: StoreBackend<O, R>, config: StoreConfig<O>) {
    assertPathSafeName(config.name, 'store name');
    if (config.streamId !== undefined && config.streamId !== null) assertPathSafeName(config.streamId, 'stream id');
    if (typeof config.stateDir !== 'string' || config.stateDir.length === 0) {
      throw new InvalidOptionsError(`A store's stateDir must be a non-empty path, got ${typeof config.stateDir === 'string' ? 'an empty string' : String(config.stateDir)}.`);
    }
    assertStateDirLocation(config.stateDir, 'stateDir');
    this.name = config.name;
    this.streamId = config.streamId ?? null;
    this.stateDir = config.stateDir;
    this.storeBackend = storeBackend;
    this.options = storeBackend.resolveOptions(config.options);
    this.changelogProducerFactory = config.changelogProducerFactory;
    this.#config = config;
  }

  /** The assigned partitions by number. */
  get partitions(): ReadonlyMap<number, StorePartition> {
    return this.#partitions;
  }

  /**
   * @param partition - a partition number
   * @returns `<stateDir>/<name>/<streamId>/<partition>` (no stream level without a stream id)
   */
  partitionPath(partition: number): string {
    return joinPath(this.stateDir, this.name, this.streamId ?? '', String(partition));
  }

  /**
   * Open a partition (or return it when already assigned), retrying while another opener holds it.
   * @param partition - the partition number
   * @returns the partition
   * @throws the backend's lock, corrupted or open-aborted error (see `openPartitionDatabase`)
   */
  async assignPartition(partition: number): Promise<StorePartition> {
    checkPartitionNumber(partition);
    const assigned = this.#partitions.get(partition) ?? this.#opening.get(partition);
    if (assigned !== undefined) return assigned;
    const opening = this.#open(partition).finally(() => this.#opening.delete(partition));
    this.#opening.set(partition, opening);
    const opened = await opening;
    this.#partitions.set(partition, opened);
    this.#everOpened.add(partition);
    return opened;
  }

  /**
   * Close and forget a partition; nothing happens when it is not assigned.
   * @param partition - the partition number
   */
  async revokePartition(partition: number): Promise<void> {
    const opening = this.#opening.get(partition);
    if (opening !== undefined) await opening.catch(() => undefined);
    const assigned = this.#partitions.get(partition);
    if (assigned === undefined) return;
    this.#partitions.delete(partition);
    await assigned.close();
  }

  /**
   * Start a transaction on an assigned partition.
   * @param partition - the partition number
   * @returns the transaction
   * @throws PartitionNotAssignedError when the partition is not assigned
   */
  startPartitionTransaction(partition: number): PartitionTransaction {
    const assigned = this.#partitions.get(partition);
    if (assigned === undefined) {
      throw new PartitionNotAssignedError(
        `Store partition "${this.name}[${partition}]" (stream "${this.streamId}") is not assigned; assign it first (store.assignPartition or manager.onPartitionAssign).`,
      );
    }
    return assigned.begin();
  }

  /** Revoke (close) every partition. */
  async close(): Promise<void> {
    const numbers = new Set([...this.#partitions.keys(), ...this.#opening.keys()]);
    await Promise.all([...numbers].map((partition) => this.revokePartition(partition)));
  }

  /**
   * Delete a partition's data (revoking it first when assigned).
   * @param partition - the partition number
   * @returns true when there was a database to delete
   */
  async destroyPartition(partition: number): Promise<boolean> {
    checkPartitionNumber(partition);
    await this.revokePartition(partition);
    const backend = await this.backend();
    const path = this.partitionPath(partition);
    if (!(await backend.exists(path))) return false;
    await backend.destroy(path);
    this.logger.info(`Destroyed state partition. ${formatLogContext(this.name, this.streamId, partition, path)}`);
    return true;
  }

  /**
   * Delete the data of every partition this store object has opened (revoking them first). For
   * file backends the manager's `clearStores()` also deletes the whole state directory.
   * @returns the partition numbers whose databases were deleted
   */
  async destroy(): Promise<number[]> {
    const destroyed: number[] = [];
    for (const partition of [...this.#everOpened]) {
      if (await this.destroyPartition(partition)) destroyed.push(partition);
      this.#everOpened.delete(partition);
    }
    return destroyed;
  }

  /**
   * Make the partition object for an opened database; override for another transaction class.
   * @param db - the open database
   * @param partition - the partition number
   * @param changelogProducer - its changelog producer, if any
   * @returns the partition
   */
  protected createPartition(db: BackendDatabase, partition: number, changelogProducer: ChangelogProducer | undefined): StorePartition {
    return new StorePartition(db, {
      storeName: this.name,
      streamId: this.streamId,
      partition,
      dumps: this.options.dumps,
      loads: this.options.loads,
      ...(changelogProducer === undefined ? {} : { changelogProducer }),
      ...(this.#config.logger === undefined ? {} : { logger: this.#config.logger }),
    });
  }

  /** @returns the column families each partition has from its open (a store kind adds its own) */
  protected columnFamilies(): readonly string[] {
    return [DEFAULT_CF, METADATA_CF_NAME];
  }

  /** @returns the backend instance (the configured one, or the store backend's default) */
  protected backend(): Promise<Backend> {
    this.#backend ??= this.#config.backend !== undefined ? Promise.resolve(this.#config.backend) : this.storeBackend.loadBackend({ stateDir: this.stateDir, options: this.options, logger: this.#config.logger });
    return this.#backend;
  }

  /** The logger this store writes to. */
  protected get logger(): Logger {
    return this.#config.logger ?? getLogger();
  }

  async #open(partition: number): Promise<StorePartition> {
    const path = this.partitionPath(partition);
    const changelogProducer = this.changelogProducerFactory?.getPartitionProducer(partition);
    const db = await openPartitionDatabase({
      backend: await this.backend(),
      path,
      openOptions: { columnFamilies: [...this.columnFamilies()], settings: this.storeBackend.openSettings(this.options, this.stateDir) },
      backendLabel: this.storeBackend.name,
      errors: this.storeBackend.errors,
      options: this.options,
      hasChangelog: changelogProducer !== undefined,
      signal: this.#config.signal,
      deadline: this.#config.openDeadline,
      logger: this.logger,
      logContext: formatLogContext(this.name, this.streamId, partition, this.storeBackend.describePath?.(path, this.stateDir, this.options) ?? path),
    });
    return this.createPartition(db, partition, changelogProducer);
  }
}

function checkPartitionNumber(partition: unknown): asserts partition is number {
  if (typeof partition !== 'number' || !Number.isSafeInteger(partition) || partition < 0) {
    throw new StateArgumentError(`A partition number must be a non-negative integer, got ${String(partition)}.`);
  }
}
