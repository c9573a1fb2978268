/**
 * `Application`: a stateful stream processor over Kafka, in the manner of Quix Streams'
 * `Application`. It joins a consumer group, runs a {@link StreamingDataFrame} per topic for each
 * message, keeps state in stores (RocksDB, SlateDB or memory) backed by changelog topics, recovers
 * state from them when partitions are assigned, and commits in checkpoints.
 *
 * A checkpoint (every `commitInterval` seconds, or `commitEvery` messages, at a rebalance and at
 * stop) runs in this order, so a crash at any point loses nothing: (1) each state transaction is
 * prepared, producing its changes to its changelog with the source offsets it covers; (2) the
 * producer is flushed: changelog and output records are acknowledged; (3) source offsets are
 * committed; (4) each transaction is flushed to its store with the offset of its last delivered
 * changelog message. Output records are at-least-once: after a crash, messages since the last commit
 * are processed again.
 *
 * On assignment the new partitions' stores are opened and recovered from their changelogs before
 * any of their messages is processed (see `recovery.ts`). With SlateDB on a shared object store (S3)
 * a partition that moves to another member is opened there by the new owner, which replays only the
 * changelog past the offset stored with the state.
 *
 * @module
 */
import type { BackendName } from '../backends/backend.js';
import { getLogger, type Logger } from '../logging.js';
import { utf8Decode, utf8Encode } from '../state/bytes.js';
import { StateStoreManager } from '../state/manager.js';
import { OpenDeadline } from '../state/open-deadline.js';
import type { RocksDBOptions, SlateDBOptions } from '../state/options.js';
import type { PartitionTransaction } from '../state/transaction.js';
import { changelogTopicName } from '../state/changelog.js';
import { connectKafka, KafkaError } from '../kafka/platformatic.js';
import {
  NO_COMMITTED_OFFSET,
  tpKey,
  type GroupConsumer,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaRecord,
  type PartitionReader,
  type RebalanceEvent,
  type TopicDescription,
  type TopicPartition,
} from '../kafka/types.js';
import { StreamingDataFrame, type MessageContext, type Step } from './dataframe.js';
import { ApplicationError, checkPositive, TopicConfigurationMismatch, TopicNotFoundError } from './errors.js';
import { CheckpointProducer } from './producer.js';
import { RecoveryManager, type RecoveryReport } from './recovery.js';
import { StateRecoveryOffsetOutOfRange } from '../state/errors.js';

/** Options of {@link Application}; the names follow Quix Streams' `Application`. */
export interface ApplicationOptions {
  /** Kafka bootstrap brokers, `'host:port[,host:port]'`. Either this or `kafka`. */
  readonly brokerAddress?: string;
  /** A Kafka client to use instead of `brokerAddress` (e.g. `new InMemoryKafka()`). */
  readonly kafka?: KafkaClient;
  /** The consumer group; also names the state directory and the changelog topics. */
  readonly consumerGroup: string;
  /** Where a partition without a committed offset starts. Default `'latest'`, as in Quix. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  /** Seconds between checkpoints. Default 5. */
  readonly commitInterval?: number;
  /** Also checkpoint after this many messages; 0 (default) for time only. */
  readonly commitEvery?: number;
  /** State directory (for RocksDB and SlateDB on local files). Default `'state'`. */
  readonly stateDir?: string;
  /** The state backend. Default `'rocksdb'`. */
  readonly stateBackend?: BackendName;
  /** Options of RocksDB stores. */
  readonly rocksdbOptions?: RocksDBOptions;
  /** Options of SlateDB stores (e.g. `{ objectStore: 's3://bucket/prefix' }`). */
  readonly slatedbOptions?: SlateDBOptions;
  /** Back stores with changelog topics and recover from them. Default true. */
  readonly useChangelogTopics?: boolean;
  /** Create missing input and output topics (with `topicPartitions` partitions). Default true. */
  readonly autoCreateTopics?: boolean;
  /** Partitions of topics the application creates. Default 1. */
  readonly topicPartitions?: number;
  /** What to do when a committed offset is below the source's low watermark: `'earliest'` (default) rebuilds state and restarts the partition at its low watermark; `'error'` fails. */
  readonly stateRecoveryOffsetReset?: 'earliest' | 'error';
  /** Consumer session timeout, ms. Default 10 000. */
  readonly sessionTimeoutMs?: number;
  /** Consumer heartbeat interval, ms. Default 1 000. */
  readonly heartbeatIntervalMs?: number;
  /** Logger; the one installed with `setLogger` when omitted. */
  readonly logger?: Logger;
  /** Stop (like {@link Application.stop}) on SIGINT and SIGTERM. Default true. */
  readonly handleSignals?: boolean;
}

/** What {@link Application.run} returns. */
export interface RunSummary {
  /** Messages processed. */
  readonly processed: number;
  /** Checkpoints committed. */
  readonly checkpoints: number;
  /** Recoveries completed, per changelog partition. */
  readonly recoveries: readonly RecoveryReport[];
}

/** Options of {@link Application.run}. */
export interface RunOptions {
  /**
   * Stop once this returns true (checked between polls), after a last checkpoint. `idleMs` is the
   * time since the last record, the last assignment or the end of a recovery, whichever is latest
   * (0 until the first assignment).
   */
  readonly until?: (progress: { processed: number; idleMs: number }) => boolean;
  /** Stop when this signal aborts. */
  readonly signal?: AbortSignal;
}

const KNOWN_OPTIONS = new Set([
  'brokerAddress',
  'kafka',
  'consumerGroup',
  'autoOffsetReset',
  'commitInterval',
  'commitEvery',
  'stateDir',
  'stateBackend',
  'rocksdbOptions',
  'slatedbOptions',
  'useChangelogTopics',
  'autoCreateTopics',
  'topicPartitions',
  'stateRecoveryOffsetReset',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'logger',
  'handleSignals',
]);

const DEFAULT_STORE = 'default';
const POLL_RECORDS = 500;
const POLL_TIMEOUT_MS = 100;
/** Checkpoints that may fail in a row (each rejoins the group) before the application fails. */
const MAX_FAILED_CHECKPOINTS = 5;
/** No record for this long while an owned partition has messages waiting: the consumer is replaced. */
const STALL_MS = 15_000;

/** Where a newly assigned partition's recovery assumed consumption starts; see `#recoverAgain`. */
interface StartCheck {
  /** The committed offset recovery applied the changelog as of. */
  readonly committed: number;
  /** Where consumption was expected to start (the committed offset, or the reset policy's end). */
  readonly start: number;
  readonly stores: readonly { storePartition: import('../state/partition.js').StorePartition; changelog: string; fromOffset: number }[];
}

interface Checkpoint {
  readonly transactions: Map<string, { tx: PartitionTransaction; topic: string; partition: number; changelog: string | undefined }>;
  readonly lastOffsets: Map<string, { topic: string; partition: number; offset: number }>;
  processed: number;
  readonly startedAt: number;
}

/** See the module documentation. */
export class Application {
  /** The options as given. */
  readonly options: ApplicationOptions;
  readonly #frames = new Map<string, StreamingDataFrame>();
  readonly #logger: Logger;
  #stopRequested = false;
  #running = false;
  #wake: (() => void) | undefined;

  /**
   * @param options - see {@link ApplicationOptions}
   * @throws ApplicationError on an unknown option or a bad value
   */
  constructor(options: ApplicationOptions) {
    if (options === null || typeof options !== 'object') throw new ApplicationError('new Application(options) needs an options object with at least consumerGroup and brokerAddress (or kafka).');
    for (const name of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(name)) throw new ApplicationError(`Unknown Application option "${name}"; the known options are ${[...KNOWN_OPTIONS].join(', ')}.`);
    }
    if (typeof options.consumerGroup !== 'string' || !/^[A-Za-z0-9._-]+$/.test(options.consumerGroup)) {
      throw new ApplicationError(`consumerGroup must be a non-empty name of letters, digits, ".", "_" and "-", got ${JSON.stringify(options.consumerGroup)}.`);
    }
    if ((options.brokerAddress === undefined) === (options.kafka === undefined)) {
      throw new ApplicationError('Give exactly one of brokerAddress ("host:port") and kafka (a KafkaClient such as new InMemoryKafka()).');
    }
    checkPositive(options.commitInterval, 'commitInterval', true);
    checkPositive(options.commitEvery, 'commitEvery', false, true);
    checkPositive(options.topicPartitions, 'topicPartitions', false);
    checkPositive(options.sessionTimeoutMs, 'sessionTimeoutMs', false);
    checkPositive(options.heartbeatIntervalMs, 'heartbeatIntervalMs', false);
    oneOf(options.autoOffsetReset, 'autoOffsetReset', ['earliest', 'latest']);
    oneOf(options.stateRecoveryOffsetReset, 'stateRecoveryOffsetReset', ['earliest', 'error']);
    this.options = options;
    this.#logger = options.logger ?? getLogger();
  }

  /**
   * The pipeline of a topic (one per topic; asking again returns the same frame).
   * @param topic - the source topic
   * @returns its frame
   */
  dataframe<V = unknown>(topic: string): StreamingDataFrame<V> {
    if (this.#running) throw new ApplicationError('Define dataframes before run().');
    if (typeof topic !== 'string' || topic.length === 0) throw new ApplicationError('dataframe(topic) needs a topic name.');
    let frame = this.#frames.get(topic);
    if (frame === undefined) this.#frames.set(topic, (frame = new StreamingDataFrame(topic, [])));
    return frame as StreamingDataFrame<V>;
  }

  /** Ask a running application to stop: it finishes the message at hand, checkpoints, closes. */
  stop(): void {
    this.#stopRequested = true;
    this.#wake?.();
  }

  /**
   * Delete the application's local state (every store of its consumer group under `stateDir`).
   * @throws ApplicationError while running
   */
  async clearState(): Promise<void> {
    if (this.#running) throw new ApplicationError('clearState() cannot run while the application runs; stop it first.');
    const manager = this.#manager(undefined);
    this.#registerStores(manager);
    await manager.clearStores();
  }

  /**
   * Consume, process and checkpoint until {@link Application.stop}, a signal, or `until`.
   * @param options - when to stop
   * @returns what was done
   * @throws the first error of user code, state or Kafka that cannot be handled (after closing
   *   everything; nothing uncommitted is flushed)
   */
  async run(options: RunOptions = {}): Promise<RunSummary> {
    if (this.#running) throw new ApplicationError('This application is already running.');
    if (this.#frames.size === 0) throw new ApplicationError('Nothing to run: define a pipeline with app.dataframe(topic) first.');
    this.#running = true;
    this.#stopRequested = false;
    const onSignal = (): void => this.stop();
    const handleSignals = this.options.handleSignals !== false && typeof process !== 'undefined' && typeof process.on === 'function';
    if (handleSignals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    options.signal?.addEventListener('abort', onSignal, { once: true });
    try {
      return await new Runner(this, this.#frames, this.#logger, options).run(() => this.#stopRequested, (wake) => (this.#wake = wake));
    } finally {
      this.#running = false;
      this.#wake = undefined;
      if (handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      options.signal?.removeEventListener('abort', onSignal);
    }
  }

  /**
   * @internal
   * @param producer - the checkpoint producer, when changelogs are used
   * @param openDeadline - the per-rebalance open deadline
   * @returns the application's store manager
   */
  #manager(producer: CheckpointProducer | undefined, openDeadline?: OpenDeadline): StateStoreManager {
    const options = this.options;
    return new StateStoreManager({
      groupId: options.consumerGroup,
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      ...(options.stateBackend === undefined ? {} : { backend: options.stateBackend }),
      ...(options.rocksdbOptions === undefined ? {} : { rocksdbOptions: options.rocksdbOptions }),
      ...(options.slatedbOptions === undefined ? {} : { slatedbOptions: options.slatedbOptions }),
      ...(producer === undefined ? {} : { changelogProducerFactory: (topic) => producer.changelogFactory(topic.name) }),
      ...(openDeadline === undefined ? {} : { openDeadline }),
      logger: this.#logger,
    });
  }

  /** @internal used by the runner */
  static createManager(app: Application, producer: CheckpointProducer | undefined, openDeadline: OpenDeadline): StateStoreManager {
    const manager = app.#manager(producer, openDeadline);
    app.#registerStores(manager);
    return manager;
  }

  #registerStores(manager: StateStoreManager): void {
    for (const [topic, frame] of this.#frames) {
      if (frame.steps.some((step) => step.kind !== 'window' && step.kind !== 'to-topic' && step.stateful)) manager.registerStore(topic, DEFAULT_STORE);
      for (const step of frame.steps) {
        if (step.kind === 'window') manager.registerWindowedStore(topic, step.processor.storeName);
      }
    }
  }
}

/** One run of an application: its clients, state, checkpoint and main loop. */
class Runner {
  readonly #app: Application;
  readonly #frames: Map<string, StreamingDataFrame>;
  readonly #logger: Logger;
  readonly #runOptions: RunOptions;
  readonly #openDeadline = new OpenDeadline();
  readonly #events: RebalanceEvent[] = [];
  readonly #owned = new Set<string>();
  readonly #nextExpected = new Map<string, number>();
  readonly #reports: RecoveryReport[] = [];
  #kafka!: KafkaClient;
  #admin!: KafkaAdmin;
  #reader!: PartitionReader;
  #producer!: CheckpointProducer;
  #consumer: GroupConsumer | undefined;
  #manager!: StateStoreManager;
  #recovery!: RecoveryManager;
  #changelogs = new Map<string, Map<string, string>>(); // topic -> store -> changelog
  #checkpoint: Checkpoint = newCheckpoint();
  #processed = 0;
  #checkpoints = 0;
  #failedCheckpoints = 0;
  #assignedOnce = false;
  #lastStallCheck = 0;
  readonly #startChecks = new Map<string, StartCheck>();
  #lastRecordAt = Date.now();
  #wake: (() => void) | undefined;

  constructor(app: Application, frames: Map<string, StreamingDataFrame>, logger: Logger, runOptions: RunOptions) {
    this.#app = app;
    this.#frames = frames;
    this.#logger = logger;
    this.#runOptions = runOptions;
  }

  get #options(): ApplicationOptions {
    return this.#app.options;
  }

  async run(stopRequested: () => boolean, setWake: (wake: () => void) => void): Promise<RunSummary> {
    setWake(() => this.#wake?.());
    const options = this.#options;
    this.#kafka = options.kafka ?? (await connectKafka({ brokers: options.brokerAddress!, clientId: options.consumerGroup }));
    this.#admin = this.#kafka.admin();
    this.#reader = this.#kafka.partitionReader();
    this.#producer = new CheckpointProducer(this.#kafka.producer());
    let failure: unknown;
    try {
      await this.#prepareTopics();
      const useChangelogs = options.useChangelogTopics !== false;
      this.#manager = Application.createManager(this.#app, useChangelogs ? this.#producer : undefined, this.#openDeadline);
      if (useChangelogs) await this.#prepareChangelogs();
      this.#recovery = new RecoveryManager({ reader: this.#reader, admin: this.#admin, logger: this.#logger });
      this.#logger.info(
        `Application "${options.consumerGroup}" starting on ${this.#kafka.description}: topics ${[...this.#frames.keys()].join(', ')}, state backend ${this.#manager.backend} at ${this.#manager.stateDir}, changelogs ${useChangelogs ? 'on' : 'off'}.`,
      );
      this.#consumer = this.#newConsumer();
      while (!stopRequested() && !this.#runOptions.signal?.aborted) {
        const idleMs = this.#owned.size === 0 && !this.#assignedOnce ? 0 : Date.now() - this.#lastRecordAt;
        if (this.#runOptions.until?.({ processed: this.#processed, idleMs })) break;
        await this.#handleEvents();
        if (this.#recovery.pending) {
          await this.#recover(stopRequested);
          continue;
        }
        const records = await this.#consumer.poll(POLL_RECORDS, POLL_TIMEOUT_MS);
        for (const record of records) {
          if (stopRequested()) break;
          await this.#process(record, stopRequested);
          if (this.#checkpointDue()) await this.#commit('interval');
        }
        if (records.length === 0) {
          if (this.#checkpointDue()) await this.#commit('interval');
          await this.#checkStall();
        }
      }
      await this.#commit('stop');
    } catch (error) {
      failure = error;
      this.#logger.error(`Application "${options.consumerGroup}" failed: ${(error as Error)?.message ?? error}`);
    }
    await this.#closeAll(failure !== undefined);
    if (failure !== undefined) throw failure;
    this.#logger.info(`Application "${options.consumerGroup}" stopped: ${this.#processed} message(s) processed, ${this.#checkpoints} checkpoint(s).`);
    return { processed: this.#processed, checkpoints: this.#checkpoints, recoveries: this.#reports };
  }

  #newConsumer(): GroupConsumer {
    const options = this.#options;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    return this.#kafka.groupConsumer({
      groupId: options.consumerGroup,
      topics: [...this.#frames.keys()],
      autoOffsetReset: options.autoOffsetReset ?? 'latest',
      sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeoutMs: Math.max(sessionTimeoutMs, 30_000),
      onRebalance: (event) => {
        this.#events.push(event);
        this.#wake?.();
      },
    });
  }

  async #prepareTopics(): Promise<void> {
    const options = this.#options;
    const outputs = new Set<string>();
    for (const frame of this.#frames.values()) for (const step of frame.steps) if (step.kind === 'to-topic') outputs.add(step.topic);
    const wanted = [...new Set([...this.#frames.keys(), ...outputs])];
    const existing = await this.#admin.describeTopics(wanted);
    const missing = wanted.filter((name) => !existing.has(name));
    if (missing.length === 0) return;
    if (options.autoCreateTopics === false) {
      throw new TopicNotFoundError(`Topic(s) ${missing.join(', ')} do not exist and autoCreateTopics is false; create them first.`);
    }
    const partitions = options.topicPartitions ?? 1;
    await this.#admin.createTopics(missing.map((name) => ({ name, partitions, replicationFactor: 1, config: {} })));
    this.#logger.info(`Created topic(s) ${missing.join(', ')} with ${partitions} partition(s).`);
  }

  async #prepareChangelogs(): Promise<void> {
    const sources = await this.#admin.describeTopics([...this.#frames.keys()]);
    const wanted: TopicDescription[] = [];
    for (const [streamId, stores] of this.#manager.stores) {
      if (streamId === null) continue;
      const source = sources.get(streamId);
      if (source === undefined) throw new TopicNotFoundError(`Topic "${streamId}" does not exist.`);
      const byStore = new Map<string, string>();
      for (const storeName of stores.keys()) {
        const name = changelogTopicName(this.#manager.groupId, streamId, storeName);
        byStore.set(storeName, name);
        const retention = (key: string): Record<string, string> => (source.config[key] === undefined ? {} : { [key]: source.config[key]! });
        wanted.push({
          name,
          partitions: source.partitions,
          replicationFactor: source.replicationFactor,
          config: { 'cleanup.policy': 'compact', ...retention('retention.ms'), ...retention('retention.bytes') },
        });
      }
      this.#changelogs.set(streamId, byStore);
    }
    const existing = await this.#admin.describeTopics(wanted.map((topic) => topic.name));
    for (const topic of wanted) {
      const found = existing.get(topic.name);
      if (found !== undefined && found.partitions !== topic.partitions) {
        throw new TopicConfigurationMismatch(
          `Changelog topic "${topic.name}" has ${found.partitions} partition(s), its source topic has ${topic.partitions}: the state would not match the data partitions. ` +
            'Delete the changelog topic (its state is rebuilt from the source) or restore the source topic\'s partition count.',
        );
      }
    }
    await this.#admin.createTopics(wanted.filter((topic) => !existing.has(topic.name)));
  }

  #checkpointDue(): boolean {
    const checkpoint = this.#checkpoint;
    if (checkpoint.processed === 0) return false;
    const every = this.#options.commitEvery ?? 0;
    if (every > 0 && checkpoint.processed >= every) return true;
    return Date.now() - checkpoint.startedAt >= (this.#options.commitInterval ?? 5) * 1000;
  }

  async #handleEvents(): Promise<void> {
    while (this.#events.length > 0) {
      const event = this.#events.shift()!;
      if (event.type === 'started') {
        // Commit now, while this member still owns its partitions.
        await this.#commit('rebalance');
        continue;
      }
      await this.#applyAssignment(event.partitions);
    }
  }

  async #applyAssignment(partitions: readonly TopicPartition[]): Promise<void> {
    this.#assignedOnce = true;
    this.#lastRecordAt = Date.now(); // idleness counts from the latest assignment
    const next = new Map(partitions.filter((tp) => this.#frames.has(tp.topic)).map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    const revoked = [...this.#owned].filter((key) => !next.has(key));
    const added = [...next.entries()].filter(([key]) => !this.#owned.has(key)).map(([, tp]) => tp);
    if (revoked.length > 0) {
      await this.#commit('revoke');
      for (const key of revoked) {
        const { topic, partition } = parseTp(key);
        this.#recovery.revoke(partition);
        await this.#manager.onPartitionRevoke(topic, partition);
        this.#owned.delete(key);
        this.#nextExpected.delete(key);
        this.#startChecks.delete(key);
      }
      this.#logger.info(`Partitions revoked: ${revoked.join(', ')}.`);
    }
    if (added.length === 0) return;
    // Opening may wait for a lock the previous owner still holds: bounded per rebalance.
    this.#openDeadline.arm(Math.max(this.#options.sessionTimeoutMs ?? 10_000, 30_000) * 5);
    try {
      const committed = await this.#consumer!.committed(added);
      for (const tp of added) {
        const key = tpKey(tp.topic, tp.partition);
        const watermarks = (await this.#admin.watermarks(tp.topic, [tp.partition])).get(tp.partition)!;
        let committedOffset = committed.get(key) ?? NO_COMMITTED_OFFSET;
        committedOffset = await this.#checkSourceRange(tp, committedOffset, watermarks.low);
        // Where consumption should start: the committed offset, else the reset policy's end.
        const start = committedOffset >= 0 ? committedOffset : this.#options.autoOffsetReset === 'earliest' ? watermarks.low : watermarks.high;
        const stores = await this.#manager.onPartitionAssign(tp.topic, tp.partition);
        const changelogs = this.#changelogs.get(tp.topic);
        if (changelogs !== undefined && this.#options.useChangelogTopics !== false) {
          const recovered = Object.entries(stores).map(([storeName, storePartition]) => ({ storePartition, changelog: changelogs.get(storeName)! }));
          const starts = await this.#recovery.assign(tp.partition, recovered, { [tp.topic]: committedOffset });
          this.#startChecks.set(key, { committed: committedOffset, start, stores: recovered.map((entry) => ({ ...entry, fromOffset: starts.get(entry.storePartition)! })) });
        }
        this.#owned.add(key);
      }
    } finally {
      this.#openDeadline.disarm();
    }
    this.#reports.push(...this.#recovery.takeReports());
    this.#logger.info(`Partitions assigned: ${added.map((tp) => tpKey(tp.topic, tp.partition)).join(', ')}${this.#recovery.pending ? '; recovering state first' : ''}.`);
  }

  /**
   * The consumer stream has been seen to stop delivering (a fetch whose answer never came) while
   * its partitions have messages waiting. When nothing arrived for {@link STALL_MS} although some
   * owned partition has messages past this member's position, rejoin with a new consumer.
   */
  async #checkStall(): Promise<void> {
    const now = Date.now();
    if (this.#owned.size === 0 || now - this.#lastRecordAt < STALL_MS || now - this.#lastStallCheck < STALL_MS) return;
    this.#lastStallCheck = now;
    const owned = [...this.#owned].map(parseTp);
    const unknown = owned.filter((tp) => !this.#nextExpected.has(tpKey(tp.topic, tp.partition)));
    const committed = unknown.length > 0 ? await this.#consumer!.committed(unknown) : new Map<string, number>();
    for (const tp of owned) {
      const key = tpKey(tp.topic, tp.partition);
      const { low, high } = (await this.#admin.watermarks(tp.topic, [tp.partition])).get(tp.partition)!;
      const position = this.#nextExpected.get(key) ?? committed.get(key) ?? NO_COMMITTED_OFFSET;
      const behind = position < 0 ? (this.#options.autoOffsetReset === 'earliest' ? high > low : false) : high > position;
      if (behind) {
        this.#logger.warn(
          `No message for ${Math.round((now - this.#lastRecordAt) / 1000)} s although ${key} has messages up to offset ${high - 1} past position ${position < 0 ? 'none' : position}: the consumer stalled; rejoining with a new one.`,
        );
        await this.#commit('stall');
        await this.#reset();
        this.#lastRecordAt = Date.now();
        return;
      }
    }
  }

  async #checkSourceRange(tp: TopicPartition, committed: number, low: number): Promise<number> {
    if (committed < 0 || committed >= low) return committed;
    const message = `The committed offset ${committed} of ${tpKey(tp.topic, tp.partition)} is below the topic's low watermark ${low} (messages were deleted by retention before they were processed)`;
    if (this.#options.stateRecoveryOffsetReset === 'error') {
      throw new StateRecoveryOffsetOutOfRange(`${message}; the state cannot match the data. Set stateRecoveryOffsetReset: "earliest" to rebuild the state from the low watermark.`);
    }
    const destroyed = await this.#manager.destroyPartitionState(tp.topic, tp.partition);
    this.#logger.warn(`${message}: the state of store(s) ${destroyed.join(', ') || '(none)'} was deleted and is rebuilt from offset ${low}.`);
    return low;
  }

  /**
   * Recovery applied the changelog as of the committed offset read at assignment. The partition's
   * first record says where this member really starts; when that differs (the previous owner
   * committed after the assignment was read), the changelog is applied again from the same start
   * with that offset, so the state holds exactly the effects of the messages before it.
   */
  async #recoverAgain(record: KafkaRecord, check: StartCheck, stopRequested: () => boolean): Promise<void> {
    const committed = check.committed === NO_COMMITTED_OFFSET ? 'none' : String(check.committed);
    this.#logger.warn(
      `${tpKey(record.topic, record.partition)} starts at offset ${record.offset}, not at ${check.start} where its state's recovery (as of committed offset ${committed}) assumed it would (another member committed after this assignment): applying the changelog again as of offset ${record.offset}.`,
    );
    await this.#recovery.assign(record.partition, check.stores, { [record.topic]: record.offset });
    while (this.#recovery.pending && !stopRequested()) {
      await this.#recover(stopRequested);
      await this.#handleEvents();
    }
  }

  async #recover(stopRequested: () => boolean): Promise<void> {
    const done = await this.#recovery.recover(() => this.#events.length > 0 || stopRequested());
    if (done) {
      this.#lastRecordAt = Date.now(); // recovery is work, not idleness
      const reports = this.#recovery.takeReports();
      this.#reports.push(...reports);
      this.#logger.info(`Recovery complete (${reports.length} changelog partition(s)); processing resumes.`);
    }
  }

  async #process(record: KafkaRecord, stopRequested: () => boolean): Promise<void> {
    const key = tpKey(record.topic, record.partition);
    if (!this.#owned.has(key) || this.#recovery.pending) {
      // The assignment that brought this partition may not be handled yet: handle it (and recover)
      // before deciding the record is stale.
      await this.#handleEvents();
      while (this.#recovery.pending && !stopRequested()) {
        await this.#recover(stopRequested);
        await this.#handleEvents();
      }
      if (!this.#owned.has(key)) return;
    }
    const expected = this.#nextExpected.get(key);
    if (expected !== undefined && record.offset < expected) return; // redelivered after a rebalance
    const startCheck = this.#startChecks.get(key);
    if (startCheck !== undefined) {
      if (record.offset < startCheck.start && startCheck.committed >= 0) {
        // The stream starts below the committed offset the state was recovered for (it read the
        // offsets before the previous owner's last commit): those messages' effects are in the
        // state already, so they are skipped, not counted twice.
        this.#startChecks.delete(key);
        this.#nextExpected.set(key, startCheck.start);
        this.#logger.info(`${key} starts at offset ${record.offset}, below the committed offset ${startCheck.start} its state was recovered for: skipping to ${startCheck.start}.`);
        return;
      }
      this.#startChecks.delete(key);
      if (record.offset > startCheck.start) {
        await this.#recoverAgain(record, startCheck, stopRequested);
        if (!this.#owned.has(key) || stopRequested()) return;
      }
    }
    this.#lastRecordAt = Date.now();
    const frame = this.#frames.get(record.topic)!;
    const keyBytes = record.key ?? new Uint8Array(0);
    const headers = new Map(record.headers);
    let stateView: MessageContext['state'] | undefined;
    const context: MessageContext = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      keyBytes,
      key: record.key === null ? null : utf8Decode(record.key),
      timestamp: record.timestamp,
      headers,
      get state(): MessageContext['state'] {
        if (stateView === undefined) throw new ApplicationError('ctx.state is only available in steps marked { stateful: true }.');
        return stateView;
      },
      produce: (topic, value, options = {}) => {
        const outKey = options.key === undefined ? record.key : options.key;
        this.#producer.produce({
          topic,
          ...(options.partition === undefined ? {} : { partition: options.partition }),
          key: typeof outKey === 'string' ? utf8Encode(outKey) : outKey,
          value: serializeValue(value),
        });
      },
    };
    let values: unknown[] = [decodeValue(record)];
    for (const step of frame.steps) {
      if (values.length === 0) break;
      values = await this.#runStep(step, values, context, record, (view) => (stateView = view));
    }
    this.#nextExpected.set(key, record.offset + 1);
    this.#checkpoint.lastOffsets.set(key, { topic: record.topic, partition: record.partition, offset: record.offset });
    this.#checkpoint.processed++;
    this.#processed++;
  }

  async #runStep(step: Step, values: unknown[], context: MessageContext, record: KafkaRecord, setState: (view: MessageContext['state'] | undefined) => void): Promise<unknown[]> {
    const out: unknown[] = [];
    if (step.kind === 'window') {
      const tx = this.#transaction(record.topic, record.partition, step.processor.storeName);
      for (const value of values) out.push(...(await step.processor.process(tx, context.keyBytes, value, record.timestamp)));
      return out;
    }
    if (step.kind === 'to-topic') {
      for (const value of values) context.produce(step.topic, value, step.key === undefined ? {} : { key: step.key(value, context) });
      return values;
    }
    setState(step.stateful ? this.#transaction(record.topic, record.partition, DEFAULT_STORE).asState(context.keyBytes.length === 0 ? undefined : context.keyBytes) : undefined);
    for (const value of values) {
      const result = await step.run(value, context);
      if (step.kind === 'map') out.push(result);
      else if (step.kind === 'update') out.push(value);
      else if (result) out.push(value);
    }
    setState(undefined);
    return out;
  }

  #transaction(topic: string, partition: number, storeName: string): PartitionTransaction {
    const id = `${storeName}\u0000${tpKey(topic, partition)}`;
    let entry = this.#checkpoint.transactions.get(id);
    if (entry === undefined) {
      const tx = this.#manager.getStore(topic, storeName).startPartitionTransaction(partition);
      entry = { tx, topic, partition, changelog: this.#changelogs.get(topic)?.get(storeName) };
      this.#checkpoint.transactions.set(id, entry);
    }
    return entry.tx;
  }

  /**
   * Commit the checkpoint (see the module documentation). A Kafka failure on the way (a commit
   * refused after a rebalance, a broker gone) resets the member: its uncommitted work is dropped,
   * every partition closed, and the group joined again, so messages since the last commit are
   * processed again from committed state.
   */
  async #commit(reason: string): Promise<void> {
    const checkpoint = this.#checkpoint;
    if (checkpoint.processed === 0 && checkpoint.transactions.size === 0 && this.#producer.pendingCount === 0) return;
    this.#checkpoint = newCheckpoint();
    try {
      for (const entry of checkpoint.transactions.values()) {
        const last = checkpoint.lastOffsets.get(tpKey(entry.topic, entry.partition));
        await entry.tx.prepare(last === undefined ? undefined : { [entry.topic]: last.offset });
      }
      await this.#producer.flush();
      await this.#consumer!.commit([...checkpoint.lastOffsets.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset: offset + 1 })));
    } catch (error) {
      if (!(error instanceof KafkaError)) throw error;
      this.#producer.discard();
      if (++this.#failedCheckpoints > MAX_FAILED_CHECKPOINTS) {
        throw new KafkaError(`${MAX_FAILED_CHECKPOINTS + 1} checkpoints in a row failed in Kafka; the last: ${error.message}`, { cause: error });
      }
      this.#logger.warn(`Checkpoint (${reason}) failed in Kafka: ${error.message} Rejoining the group; messages since the last commit are processed again.`);
      await this.#reset();
      return;
    }
    for (const entry of checkpoint.transactions.values()) {
      const offset = entry.changelog === undefined ? undefined : this.#producer.lastDelivered(entry.changelog, entry.partition);
      await entry.tx.flush(offset);
    }
    this.#checkpoints++;
    this.#failedCheckpoints = 0;
    this.#logger.debug(`Checkpoint (${reason}): ${checkpoint.processed} message(s), ${checkpoint.transactions.size} transaction(s) committed.`);
  }

  async #reset(): Promise<void> {
    await this.#consumer?.close();
    for (const key of [...this.#owned]) {
      const { topic, partition } = parseTp(key);
      this.#recovery.revoke(partition);
      await this.#manager.onPartitionRevoke(topic, partition);
    }
    this.#owned.clear();
    this.#nextExpected.clear();
    this.#startChecks.clear();
    this.#events.length = 0;
    this.#consumer = this.#newConsumer();
  }

  async #closeAll(failed: boolean): Promise<void> {
    const quietly = async (what: string, close: () => Promise<void> | undefined): Promise<void> => {
      try {
        await close();
      } catch (error) {
        this.#logger.warn(`Closing ${what} failed: ${(error as Error)?.message ?? error}`);
      }
    };
    if (failed) this.#producer?.discard();
    await quietly('the consumer', () => this.#consumer?.close());
    await quietly('the state', () => this.#manager?.close());
    await quietly('the producer', () => this.#producer?.close());
    await quietly('the reader', () => this.#reader?.close());
    await quietly('the admin client', () => this.#admin?.close());
  }
}

function newCheckpoint(): Checkpoint {
  return { transactions: new Map(), lastOffsets: new Map(), processed: 0, startedAt: Date.now() };
}

function parseTp(key: string): TopicPartition {
  const open = key.lastIndexOf('[');
  return { topic: key.slice(0, open), partition: Number(key.slice(open + 1, -1)) };
}

function decodeValue(record: KafkaRecord): unknown {
  if (record.value === null) return null;
  const text = utf8Decode(record.value);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function serializeValue(value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  return utf8Encode(JSON.stringify(value, (_key, inner) => (inner instanceof Uint8Array ? utf8Decode(inner) : inner)));
}


function oneOf(value: string | undefined, name: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) throw new ApplicationError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}.`);
}
