/**
 * `StorePartition`: one partition of one store, held in one backend database. Point
 * reads, range iteration, the atomic write of a transaction with its changelog offset, and the
 * apply step of changelog recovery. Written once over the Backend contract, for every backend.
 *
 * @module
 */
import { DEFAULT_CF, type BackendDatabase, type BatchOperation } from '../backends/backend.js';
import { markCheckedBatch } from '../backends/validate-arguments.js';
import { getLogger, type Logger } from '../logging.js';
import { bytesToKeyString } from './bytes.js';
import type { ChangelogMessage, ChangelogProducer } from './changelog.js';
import { decodeChangelogMessage } from './changelog-message.js';
import { CHANGELOG_OFFSET_KEY, LOCAL_ONLY_CFS, METADATA_CF_NAME } from './constants.js';
import { PartitionClosedError, StateArgumentError } from './errors.js';
import { intFromBytes, intToBytes } from './integers.js';
import { checkOffset, isChangelogMessageCommitted, type CommittedOffsets } from './offsets.js';
import type { Dumps, Loads } from './serialization.js';
import { PartitionTransaction } from './transaction.js';
import type { PartitionTransactionCache } from './transaction-cache.js';

const RECOVERY_PROGRESS_EVERY = 10_000;

/** What a partition is, beside its database. */
export interface StorePartitionOptions {
  /** Name of the store. */
  storeName: string;
  /** The stream the store belongs to, or `null`. */
  streamId: string | null;
  /** The partition number. */
  partition: number;
  /** Serializer of keys, values and prefixes. */
  dumps: Dumps;
  /** Deserializer of values. */
  loads: Loads;
  /** Where `prepare()` produces changes; none: nothing is produced. */
  changelogProducer?: ChangelogProducer;
  /** Logger; the one installed with `setLogger` when omitted. */
  logger?: Logger;
}

/** Options of {@link StorePartition.iterItems}. */
export interface IterItemsOptions {
  /** Column family; default `'default'`. */
  cfName?: string;
  /** Descending order, starting below the upper bound. */
  backwards?: boolean;
}

/** Options of {@link StorePartition.recoverFromChangelogMessages}. */
export interface RecoverOptions {
  /**
   * `false`: resolve without waiting for the batch to be durable (SlateDB: no WAL write waited
   * for; RocksDB and memory: no difference). The batch stays atomic with its offset, so a crash
   * loses only the last batches together with their offsets, and the next recovery replays them.
   * Call {@link StorePartition.sync} before processing resumes. Default `true`.
   */
  durable?: boolean;
}

/** What {@link StorePartition.recoverFromChangelogMessage} did with a message. */
export type RecoveryOutcome = 'applied' | 'skipped';

/** One store partition over one open backend database. */
export class StorePartition {
  /** The database. */
  protected readonly db: BackendDatabase;
  /** Name of the store. */
  readonly storeName: string;
  /** The stream the store belongs to, or `null`. */
  readonly streamId: string | null;
  /** The partition number. */
  readonly partition: number;
  /** Serializer of keys, values and prefixes. */
  readonly dumps: Dumps;
  /** Deserializer of values. */
  readonly loads: Loads;
  /** The changelog producer, if the store has a changelog. */
  readonly changelogProducer: ChangelogProducer | undefined;
  readonly #logger: Logger | undefined;
  // The stored offset, read once: this partition is the database's only writer.
  #changelogOffset: Promise<number | undefined> | undefined;
  #closed = false;
  #recovered = 0;

  /**
   * Use `store.assignPartition(n)`, which opens the database with retries.
   * @param db - the open database (with `default` and `__metadata__` families)
   * @param options - what the partition is
   */
  constructor(db: BackendDatabase, options: StorePartitionOptions) {
    this.db = db;
    this.storeName = options.storeName;
    this.streamId = options.streamId;
    this.partition = options.partition;
    this.dumps = options.dumps;
    this.loads = options.loads;
    this.changelogProducer = options.changelogProducer;
    this.#logger = options.logger;
  }

  /** The database path. */
  get path(): string {
    return this.db.path;
  }

  /** True after {@link StorePartition.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The logger this partition writes to. */
  protected get logger(): Logger {
    return this.#logger ?? getLogger();
  }

  /** @returns e.g. `store "default", stream "orders", partition 0 at "/state/g/default/orders/0"`, for messages */
  describe(): string {
    const stream = this.streamId === null ? '' : `, stream "${this.streamId}"`;
    return `store "${this.storeName}"${stream}, partition ${this.partition} at "${this.path}"`;
  }

  /**
   * Start a transaction.
   * @returns a new transaction in STARTED
   * @throws PartitionClosedError after close
   */
  begin(): PartitionTransaction {
    this.#assertOpen('begin a transaction');
    return this.createTransaction();
  }

  /**
   * Make the transaction {@link StorePartition.begin} returns; override for windowed or
   * timestamped transactions.
   */
  protected createTransaction(): PartitionTransaction {
    return new PartitionTransaction(this);
  }

  /**
   * @param cfName - column family; default `'default'`
   * @returns the stored bytes, or `undefined`
   */
  async get(key: Uint8Array, cfName: string = DEFAULT_CF): Promise<Uint8Array | undefined> {
    this.#assertOpen('read');
    return this.db.get(cfName, key);
  }

  /**
   * @param cfName - column family; default `'default'`
   * @returns stored bytes aligned with `keys`
   */
  async getMany(keys: Uint8Array[], cfName: string = DEFAULT_CF): Promise<(Uint8Array | undefined)[]> {
    this.#assertOpen('read');
    if (keys.length === 0) return [];
    return this.db.getMany(cfName, keys);
  }

  /**
   * @param cfName - column family; default `'default'`
   * @returns whether the key is stored
   */
  async exists(key: Uint8Array, cfName: string = DEFAULT_CF): Promise<boolean> {
    return (await this.get(key, cfName)) !== undefined;
  }

  /**
   * Committed entries with `lowerBound <= key < upperBound`, ascending, or descending when
   * `backwards`; both bounds hold in both directions; empty when `lowerBound >= upperBound`.
   * @param lowerBound - inclusive lower key; unbounded when `undefined`
   * @param upperBound - exclusive upper key; unbounded when `undefined`
   * @param options - column family and direction
   * @returns `[key, value]` pairs
   */
  async *iterItems(
    lowerBound: Uint8Array | undefined,
    upperBound: Uint8Array | undefined,
    options: IterItemsOptions = {},
  ): AsyncGenerator<[Uint8Array, Uint8Array]> {
    this.#assertOpen('iterate');
    if (lowerBound !== undefined && upperBound !== undefined && bytesToKeyString(lowerBound) >= bytesToKeyString(upperBound)) return;
    yield* this.db.iterate({
      cf: options.cfName ?? DEFAULT_CF,
      ...(lowerBound === undefined ? {} : { gte: lowerBound }),
      ...(upperBound === undefined ? {} : { lt: upperBound }),
      reverse: options.backwards ?? false,
    });
  }

  /** @returns the names of the column families in the database */
  async listColumnFamilies(): Promise<string[]> {
    this.#assertOpen('list column families');
    return this.db.listColumnFamilies();
  }

  /**
   * Write a transaction's cache in one atomic batch: its updates and deletes, then (when given)
   * `__changelog_offset__ = u64(changelogOffset)` in `__metadata__`.
   */
  async write(cache: PartitionTransactionCache, changelogOffset?: number): Promise<void> {
    this.#assertOpen('write');
    await this.#writeWithOffset(markCheckedBatch([...cache.operations()]), changelogOffset);
  }

  /** @returns the stored changelog offset, or `undefined` when none was stored */
  async getChangelogOffset(): Promise<number | undefined> {
    this.#assertOpen('read the changelog offset');
    this.#changelogOffset ??= this.db.get(METADATA_CF_NAME, CHANGELOG_OFFSET_KEY).then(
      (bytes) => (bytes === undefined ? undefined : intFromBytes(bytes)),
      (error) => {
        this.#changelogOffset = undefined;
        throw error;
      },
    );
    return this.#changelogOffset;
  }

  /**
   * Store the changelog offset alone, in its own batch.
   * @param offset - a non-negative integer
   * @throws StateArgumentError when it is not
   */
  async writeChangelogOffset(offset: number): Promise<void> {
    checkOffset(offset, 'offset');
    this.#assertOpen('write the changelog offset');
    await this.#writeWithOffset([], offset);
  }

  /**
   * Apply one changelog message, idempotently. The message is applied when it
   * carries no processed offsets or when every source offset in them is below the committed offset
   * of its topic (a topic missing from `committedOffsets` counts as nothing committed: skipped);
   * otherwise it is skipped. Applied: its put (an empty value is a value) or delete, with the
   * stored offset, in one atomic batch. Skipped: the stored offset alone advances.
   * @param message - key, value (`null` to delete), headers, offset
   * @param committedOffsets - committed source offsets by topic (next offset to consume)
   * @returns `'applied'` or `'skipped'`
   * @throws ColumnFamilyHeaderMissing when `__column_family__` is missing or empty (nothing written)
   * @throws InvalidChangelogMessageError when the message is malformed (nothing written)
   */
  async recoverFromChangelogMessage(message: ChangelogMessage, committedOffsets: CommittedOffsets): Promise<RecoveryOutcome> {
    const [outcome] = await this.recoverFromChangelogMessages([message], committedOffsets);
    return outcome!;
  }

  /**
   * Apply consecutive changelog messages in one atomic batch: the same result as applying them one
   * by one with {@link StorePartition.recoverFromChangelogMessage} (later messages win; the stored
   * offset becomes the last message's), in one backend write.
   * @param messages - messages in consumption order
   * @param committedOffsets - committed source offsets by topic
   * @param options - `{ durable: false }` to skip the durable point of this batch (see {@link RecoverOptions})
   * @returns what happened to each message, aligned with `messages`
   * @throws ColumnFamilyHeaderMissing or InvalidChangelogMessageError when any message is malformed
   *   (nothing written)
   * @throws StateArgumentError when `options.durable` is given and is not a boolean (nothing written)
   */
  async recoverFromChangelogMessages(
    messages: readonly ChangelogMessage[],
    committedOffsets: CommittedOffsets,
    options: RecoverOptions = {},
  ): Promise<RecoveryOutcome[]> {
    this.#assertOpen('recover');
    const durable = options.durable ?? true;
    if (typeof durable !== 'boolean') throw new StateArgumentError(`options.durable must be true or false, got ${String(durable)}.`);
    if (messages.length === 0) return [];
    const decoded = messages.map(decodeChangelogMessage);
    const operations: BatchOperation[] = [];
    const outcomes = decoded.map((message): RecoveryOutcome => {
      if (!isChangelogMessageCommitted(message.processedOffsets, committedOffsets) || LOCAL_ONLY_CFS.has(message.cfName)) return 'skipped';
      operations.push({ cf: message.cfName, key: message.key, value: message.value });
      return 'applied';
    });
    const last = decoded[decoded.length - 1]!;
    await this.#writeWithOffset(operations, last.offset, durable);
    const before = this.#recovered;
    this.#recovered += decoded.length;
    if (before === 0 || Math.floor(before / RECOVERY_PROGRESS_EVERY) !== Math.floor(this.#recovered / RECOVERY_PROGRESS_EVERY)) {
      this.logger.info(`Recovering state partition from the changelog: ${this.#recovered} message(s) so far, now at offset ${last.offset}. ${this.logContext()}`);
    }
    const applied = outcomes.filter((outcome) => outcome === 'applied').length;
    this.logger.debug(`Recovery applied ${applied} and skipped ${decoded.length - applied} changelog message(s) up to offset ${last.offset}. ${this.logContext()}`);
    return outcomes;
  }

  /**
   * Make everything written so far durable: the durable point after recovery batches written with
   * `{ durable: false }`. SlateDB: one WAL write to object storage, waited for (nothing when
   * `awaitDurable` is off); RocksDB and memory: nothing to do, each of their writes is already as
   * durable as their settings make it.
   * @throws PartitionClosedError after close
   */
  async sync(): Promise<void> {
    this.#assertOpen('sync');
    try {
      await this.db.sync?.();
    } catch (error) {
      // What the unsynced batches stored may be lost: read the offset again next time.
      this.#changelogOffset = undefined;
      throw error;
    }
  }

  /**
   * Close the database; further use throws {@link PartitionClosedError}. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.close();
    this.logger.debug(`Closed state partition. ${this.logContext()}`);
  }

  /** @returns `store="..." stream="..." partition=N path="..."`, the tail of every log line */
  logContext(): string {
    return formatLogContext(this.storeName, this.streamId, this.partition, this.path);
  }

  async #writeWithOffset(operations: BatchOperation[], offset: number | undefined, durable = true): Promise<void> {
    if (offset !== undefined) {
      operations.push({ cf: METADATA_CF_NAME, key: CHANGELOG_OFFSET_KEY, value: intToBytes(offset) });
    }
    if (operations.length === 0) return;
    try {
      await this.db.write(operations, durable ? undefined : { durable: false });
    } catch (error) {
      // The batch may or may not have landed; read the offset again next time.
      this.#changelogOffset = undefined;
      throw error;
    }
    if (offset !== undefined) this.#changelogOffset = Promise.resolve(offset);
  }

  #assertOpen(operation: string): void {
    if (this.#closed) {
      throw new PartitionClosedError(
        `Cannot ${operation}: the state partition (${this.describe()}) is closed. Assign the partition again to reopen it.`,
      );
    }
  }
}

/**
 * The context every state log line ends with.
 * @returns `store="..." stream="..." partition=N path="..."`
 */
export function formatLogContext(storeName: string, streamId: string | null, partition: number, path: string): string {
  return `store=${JSON.stringify(storeName)} stream=${JSON.stringify(streamId)} partition=${partition} path=${JSON.stringify(path)}`;
}

