/**
 * {@link KafkaClient} over `@platformatic/kafka`, a maintained pure-JavaScript Kafka client (Node
 * >= 22.22, Bun, Deno). It was chosen over kafkajs (unmaintained since 2023, eager rebalancing only)
 * and `@confluentinc/kafka-javascript` (a native addon built per Node version; no Bun, no Deno).
 *
 * The client library is imported when {@link connectKafka} is called, never at import time, so
 * programs that do not use Kafka do not load it (and run on older Node versions).
 *
 * What the library lacks, and how this module copes:
 * - no per-partition pause and no `seek()`: recovery reads changelogs with a separate
 *   {@link PartitionReader} over the fetch API at explicit offsets, outside the consumer group,
 *   and the application simply stops reading the group's stream while it recovers;
 * - rebalance callbacks cannot delay a rebalance: the application commits as soon as a rebalance
 *   starts, and drops records of partitions it no longer owns.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';
import {
  NO_COMMITTED_OFFSET,
  tpKey,
  type DeliveredRecord,
  type GroupConsumer,
  type GroupConsumerOptions,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaHeader,
  type KafkaProducer,
  type KafkaRecord,
  type OutgoingRecord,
  type PartitionReader,
  type ReadResult,
  type TopicDescription,
  type TopicPartition,
  type Watermarks,
} from './types.js';

// The library's module, loaded once by connectKafka.
type PlatformaticModule = typeof import('@platformatic/kafka');
type PlatformaticConsumer = InstanceType<PlatformaticModule['Consumer']>;
type PlatformaticStream = Awaited<ReturnType<PlatformaticConsumer['consume']>>;

/** A Kafka operation failed (unreachable broker, timeout, broker error). */
export class KafkaError extends StreamstateError {
  /**
   * @param message - what failed and what to do
   * @param options - `cause`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('KAFKA_ERROR', message, options);
  }
}

/** Options of {@link connectKafka}. */
export interface KafkaConnectionOptions {
  /** Bootstrap brokers: `'host:port'` or a comma-separated list, or an array of them. */
  readonly brokers: string | readonly string[];
  /** Client id on every connection. Default `'streamstate'`. */
  readonly clientId?: string;
  /** Timeout of one request, ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request before the operation fails. Default 5. */
  readonly retries?: number;
}

const MIN_NODE = [22, 22];

/**
 * Connect to a Kafka cluster. Nothing is sent until a producer, admin or consumer is used.
 * @param options - brokers, client id, timeouts
 * @returns the client
 * @throws KafkaError when the Kafka client library cannot be loaded (with why: the Node version, or
 *   the package missing)
 */
export async function connectKafka(options: KafkaConnectionOptions): Promise<KafkaClient> {
  const brokers = parseBrokers(options.brokers);
  const library = await loadLibrary();
  return new PlatformaticKafka(library, brokers, options);
}

/**
 * @param brokers - `'a:9092,b:9092'` or a list
 * @returns the `host:port` list
 * @throws KafkaError when empty or malformed
 */
export function parseBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((broker) => String(broker).trim()).filter(Boolean);
  if (list.length === 0) throw new KafkaError('No Kafka broker address given; pass brokerAddress as "host:port" (e.g. "127.0.0.1:9092").');
  for (const broker of list) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new KafkaError(`Invalid Kafka broker address "${broker}": expected "host:port" (e.g. "127.0.0.1:9092"), without a scheme.`);
    }
  }
  return list;
}

async function loadLibrary(): Promise<PlatformaticModule> {
  const [major = 0, minor = 0] = (globalThis.process?.versions?.node ?? '').split('.').map(Number);
  const isNode = globalThis.process?.versions?.node !== undefined && !('Bun' in globalThis) && !('Deno' in globalThis);
  if (isNode && (major < MIN_NODE[0]! || (major === MIN_NODE[0] && minor < MIN_NODE[1]!))) {
    throw new KafkaError(
      `Kafka needs Node >= ${MIN_NODE.join('.')} (the Kafka client, @platformatic/kafka, uses newer APIs); this is Node ${globalThis.process.versions.node}. ` +
        'Run with Node 24 (e.g. `npx -y node@24 app.mjs`); state without Kafka keeps working on Node 20.',
    );
  }
  try {
    return await import('@platformatic/kafka');
  } catch (cause) {
    throw new KafkaError(`Cannot load the Kafka client "@platformatic/kafka" (${(cause as Error).message}); install it with \`npm install @platformatic/kafka\`.`, {
      cause,
    });
  }
}

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const safeNumber = (value: bigint | number): number => Number(value);

function wrap(operation: string, error: unknown): KafkaError {
  if (error instanceof KafkaError) return error;
  const inner = error as { message?: string; errors?: { message?: string }[] };
  const details = [inner?.message, ...(inner?.errors ?? []).map((e) => e?.message)].filter(Boolean).join('; ');
  return new KafkaError(`Kafka ${operation} failed: ${details || String(error)}. Check that the brokers are reachable and the topic exists.`, { cause: error });
}

class PlatformaticKafka implements KafkaClient {
  readonly description: string;
  readonly #library: PlatformaticModule;
  readonly #base: { clientId: string; bootstrapBrokers: string[]; timeout: number; retries: number };

  constructor(library: PlatformaticModule, brokers: string[], options: KafkaConnectionOptions) {
    this.#library = library;
    this.description = `kafka ${brokers.join(',')}`;
    this.#base = {
      clientId: options.clientId ?? 'streamstate',
      bootstrapBrokers: brokers,
      timeout: options.requestTimeoutMs ?? 30_000,
      retries: options.retries ?? 5,
    };
  }

  producer(): KafkaProducer {
    return new Producer(new this.#library.Producer({ ...this.#base, idempotent: true, acks: -1 }), this.#library.compatibilityPartitioner);
  }

  admin(): KafkaAdmin {
    return new Admin(new this.#library.Admin({ ...this.#base }), this.#reader());
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new Group(
      new this.#library.Consumer({
        ...this.#base,
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        rebalanceTimeout: options.rebalanceTimeoutMs,
        autocommit: false,
      }),
      options,
    );
  }

  partitionReader(): PartitionReader {
    return new Reader(this.#reader());
  }

  #reader(): PlatformaticConsumer {
    // A consumer object that never joins its group: used for metadata, offsets and raw fetches.
    return new this.#library.Consumer({ ...this.#base, groupId: `${this.#base.clientId}-reader`, autocommit: false });
  }
}

class Producer implements KafkaProducer {
  readonly #producer: InstanceType<PlatformaticModule['Producer']>;
  readonly #hash: PlatformaticModule['compatibilityPartitioner'];
  #roundRobin = 0;
  constructor(producer: InstanceType<PlatformaticModule['Producer']>, hash: PlatformaticModule['compatibilityPartitioner']) {
    this.#producer = producer;
    this.#hash = hash;
  }

  async send(records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> {
    if (records.length === 0) return [];
    const partitions = await this.#partitions(records);
    const messages = records.map((record, index) => ({
      topic: record.topic,
      partition: partitions[index]!,
      ...(record.key === undefined || record.key === null ? {} : { key: toBuffer(record.key) }),
      value: record.value === null ? (null as unknown as Buffer) : toBuffer(record.value),
      ...(record.headers === undefined || record.headers.length === 0
        ? {}
        : { headers: new Map(record.headers.map(([name, value]) => [Buffer.from(name), toBuffer(value)])) }),
      ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
    }));
    let result;
    try {
      result = await this.#producer.send({ messages });
    } catch (error) {
      throw wrap('produce', error);
    }
    // The broker answers with the base offset of each partition's batch; records of one partition
    // are consecutive in it, in order.
    const base = new Map((result.offsets ?? []).map(({ topic, partition, offset }) => [tpKey(topic, partition), safeNumber(offset)]));
    const seen = new Map<string, number>();
    return records.map((record, index) => {
      const partition = partitions[index]!;
      const key = tpKey(record.topic, partition);
      const first = base.get(key);
      if (first === undefined) throw new KafkaError(`Kafka produce: the broker did not acknowledge ${key}.`);
      const position = seen.get(key) ?? 0;
      seen.set(key, position + 1);
      return { topic: record.topic, partition, offset: first + position };
    });
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => undefined);
  }

  // Partitions are chosen here, not by the library, so each record's offset is known from the
  // broker's answer: the Java client's rule (murmur2 of the key), round robin without a key.
  async #partitions(records: readonly OutgoingRecord[]): Promise<number[]> {
    const unplaced = [...new Set(records.filter((record) => record.partition === undefined).map((record) => record.topic))];
    const counts = new Map<string, number>();
    if (unplaced.length > 0) {
      let metadata;
      try {
        metadata = await this.#producer.metadata({ topics: unplaced });
      } catch (error) {
        throw wrap('metadata', error);
      }
      for (const topic of unplaced) {
        const count = metadata.topics.get(topic)?.partitionsCount;
        if (count === undefined || count < 1) throw new KafkaError(`Kafka produce: topic "${topic}" does not exist; create it first.`);
        counts.set(topic, count);
      }
    }
    return records.map((record) => {
      if (record.partition !== undefined) return record.partition;
      const count = counts.get(record.topic)!;
      if (record.key === undefined || record.key === null) return this.#roundRobin++ % count;
      return this.#hash(undefined as never, toBuffer(record.key)) % count;
    });
  }
}

class Admin implements KafkaAdmin {
  readonly #admin: InstanceType<PlatformaticModule['Admin']>;
  readonly #reader: PlatformaticConsumer;
  constructor(admin: InstanceType<PlatformaticModule['Admin']>, reader: PlatformaticConsumer) {
    this.#admin = admin;
    this.#reader = reader;
  }

  async describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>> {
    const found = new Map<string, TopicDescription>();
    if (names.length === 0) return found;
    let existing: string[];
    try {
      existing = await this.#admin.listTopics();
    } catch (error) {
      throw wrap('listTopics', error);
    }
    const wanted = names.filter((name) => existing.includes(name));
    if (wanted.length === 0) return found;
    try {
      const metadata = await this.#admin.metadata({ topics: wanted, forceUpdate: true });
      const configs = await this.#admin.describeConfigs({ resources: wanted.map((name) => ({ resourceType: 2, resourceName: name })) });
      for (const name of wanted) {
        const topic = metadata.topics.get(name);
        if (topic === undefined) continue;
        const description = configs.find((entry) => entry.resourceName === name);
        const config: Record<string, string> = {};
        for (const entry of description?.configs ?? []) {
          if (entry.value !== null && entry.value !== undefined && Number(entry.configSource) === 1) config[entry.name] = entry.value; // 1: set on the topic
        }
        found.set(name, {
          name,
          partitions: topic.partitionsCount,
          replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
          config,
        });
      }
    } catch (error) {
      throw wrap('describeTopics', error);
    }
    return found;
  }

  async createTopics(topics: readonly TopicDescription[]): Promise<void> {
    const existing = await this.describeTopics(topics.map((topic) => topic.name));
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      try {
        await this.#admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          replicas: topic.replicationFactor,
          configs: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        });
      } catch (error) {
        if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(flatMessage(error))) throw wrap(`createTopics "${topic.name}"`, error);
      }
    }
    await this.#awaitLeaders(topics.map((topic) => topic.name));
  }

  async watermarks(topic: string, partitions: readonly number[]): Promise<Map<number, Watermarks>> {
    return readWatermarks(this.#reader, topic, partitions);
  }

  async #awaitLeaders(names: string[]): Promise<void> {
    // createTopics returns before partition leaders exist; producing then fails. Poll metadata.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const metadata = await this.#admin.metadata({ topics: names, forceUpdate: true });
        const ready = names.every((name) => {
          const topic = metadata.topics.get(name);
          return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0);
        });
        if (ready) return;
      } catch {
        // not there yet
      }
      if (Date.now() > deadline) throw new KafkaError(`Kafka topics ${names.join(', ')} have no partition leaders 30 s after being created; check the broker's health.`);
      await sleep(100);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#admin.close().catch(() => undefined), this.#reader.close().catch(() => undefined)]);
  }
}

async function readWatermarks(reader: PlatformaticConsumer, topic: string, partitions: readonly number[]): Promise<Map<number, Watermarks>> {
  try {
    const request = { topics: [topic], partitions: { [topic]: [...partitions] } };
    // One after the other: two concurrent listOffsets calls on one client were seen to answer
    // both with the same offsets.
    const low = await reader.listOffsets({ ...request, timestamp: -2n });
    const high = await reader.listOffsets({ ...request, timestamp: -1n });
    const result = new Map<number, Watermarks>();
    for (const partition of partitions) {
      const lowOffset = low.get(topic)?.[partition];
      const highOffset = high.get(topic)?.[partition];
      if (lowOffset === undefined || highOffset === undefined) throw new KafkaError(`Kafka listOffsets: no answer for ${tpKey(topic, partition)}.`);
      result.set(partition, { low: safeNumber(lowOffset), high: safeNumber(highOffset) });
    }
    return result;
  } catch (error) {
    throw wrap(`listOffsets "${topic}"`, error);
  }
}

function flatMessage(error: unknown): string {
  const inner = error as { message?: string; errors?: unknown[] };
  return [inner?.message ?? String(error), ...(inner?.errors ?? []).map(flatMessage)].join(' ');
}

function convertHeaders(entries: Iterable<[Buffer | null, Buffer | null]> | undefined): KafkaHeader[] {
  const headers: KafkaHeader[] = [];
  for (const [name, value] of entries ?? []) {
    if (name === null) continue;
    headers.push([name.toString('utf8'), value ?? new Uint8Array(0)]);
  }
  return headers;
}

class Group implements GroupConsumer {
  readonly #consumer: PlatformaticConsumer;
  readonly #options: GroupConsumerOptions;
  #stream: PlatformaticStream | undefined;
  #starting: Promise<PlatformaticStream> | undefined;
  #error: unknown;
  #assignment: TopicPartition[] | undefined;
  readonly #epochs = new Map<string, number>();
  #closed = false;

  constructor(consumer: PlatformaticConsumer, options: GroupConsumerOptions) {
    this.#consumer = consumer;
    this.#options = options;
    consumer.on('consumer:group:rebalance', () => options.onRebalance({ type: 'started' }));
    consumer.on('consumer:group:join', () => {
      this.#assignment = (consumer.assignments ?? []).flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
      options.onRebalance({ type: 'assigned', partitions: this.#assignment });
    });
  }

  get assignment(): readonly TopicPartition[] | undefined {
    return this.#assignment;
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<KafkaRecord[]> {
    const stream = await this.#ensureStream();
    const records: KafkaRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (records.length < maxRecords) {
      if (this.#error !== undefined) throw wrap('consume', this.#error);
      const message = stream.read() as
        | { topic: string; partition: number; offset: bigint; key: Buffer | null; value: Buffer | null; headerEntries: [Buffer, Buffer][]; timestamp: bigint; leaderEpoch: number }
        | null;
      if (message === null) {
        if (records.length > 0 || this.#closed) break;
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        await waitReadable(stream, remaining);
        continue;
      }
      this.#epochs.set(tpKey(message.topic, message.partition), message.leaderEpoch);
      records.push({
        topic: message.topic,
        partition: message.partition,
        offset: safeNumber(message.offset),
        key: message.key?.length ? message.key : message.key ?? null,
        value: message.value ?? null,
        headers: convertHeaders(message.headerEntries),
        timestamp: safeNumber(message.timestamp),
      });
    }
    return records;
  }

  async committed(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    let answer;
    try {
      answer = await this.#consumer.listCommittedOffsets({ topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })) });
    } catch (error) {
      throw wrap('listCommittedOffsets', error);
    }
    const result = new Map<string, number>();
    for (const { topic, partition } of partitions) {
      const offset = answer.get(topic)?.[partition];
      result.set(tpKey(topic, partition), offset === undefined || offset < 0n ? NO_COMMITTED_OFFSET : safeNumber(offset));
    }
    return result;
  }

  async commit(offsets: readonly DeliveredRecord[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commit({
        offsets: offsets.map(({ topic, partition, offset }) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: this.#epochs.get(tpKey(topic, partition)) ?? -1,
        })),
      });
    } catch (error) {
      throw wrap('commit', error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stream = this.#stream ?? (await this.#starting?.catch(() => undefined));
    await stream?.close().catch(() => undefined);
    await this.#consumer.close(true).catch(() => undefined);
  }

  #ensureStream(): Promise<PlatformaticStream> {
    if (this.#stream !== undefined) return Promise.resolve(this.#stream);
    this.#starting ??= this.#consumer
      .consume({
        topics: [...this.#options.topics],
        mode: 'committed',
        fallbackMode: this.#options.autoOffsetReset,
        autocommit: false,
        sessionTimeout: this.#options.sessionTimeoutMs,
        heartbeatInterval: this.#options.heartbeatIntervalMs,
        rebalanceTimeout: this.#options.rebalanceTimeoutMs,
        maxWaitTime: 200,
      })
      .then(
        (stream) => {
          stream.on('error', (error: unknown) => (this.#error = error));
          this.#stream = stream;
          return stream;
        },
        (error: unknown) => {
          this.#starting = undefined;
          throw wrap(`joining group "${this.#options.groupId}"`, error);
        },
      );
    return this.#starting;
  }
}

function waitReadable(stream: PlatformaticStream, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stream.off('readable', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    stream.on('readable', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

class Reader implements PartitionReader {
  readonly #consumer: PlatformaticConsumer;
  constructor(consumer: PlatformaticConsumer) {
    this.#consumer = consumer;
  }

  async read(topic: string, partition: number, offset: number, options: { maxBytes?: number; maxWaitMs?: number } = {}): Promise<ReadResult> {
    const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    let response;
    try {
      const metadata = await this.#consumer.metadata({ topics: [topic] });
      const topicMetadata = metadata.topics.get(topic);
      const leader = topicMetadata?.partitions[partition]?.leader;
      if (topicMetadata === undefined || leader === undefined || leader < 0) {
        throw new KafkaError(`Kafka fetch: ${tpKey(topic, partition)} has no leader (does the topic exist?).`);
      }
      response = await this.#consumer.fetch({
        node: leader,
        maxWaitTime: options.maxWaitMs ?? 100,
        minBytes: 1,
        maxBytes,
        topics: [
          {
            topicId: topicMetadata.id,
            partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }],
          } as never,
        ],
      });
    } catch (error) {
      throw wrap(`fetch ${tpKey(topic, partition)} at ${offset}`, error);
    }
    const records: KafkaRecord[] = [];
    let nextOffset = offset;
    let highWatermark = offset;
    for (const topicResponse of response.responses) {
      for (const answer of topicResponse.partitions) {
        if (answer.partitionIndex !== partition) continue;
        if (answer.errorCode !== 0) throw new KafkaError(`Kafka fetch ${tpKey(topic, partition)} at ${offset}: broker error code ${answer.errorCode}.`);
        highWatermark = safeNumber(answer.highWatermark);
        for (const batch of answer.records ?? []) {
          const first = safeNumber(batch.firstOffset);
          const last = first + batch.lastOffsetDelta;
          if (last + 1 > nextOffset) nextOffset = last + 1;
          if ((batch.attributes & 0x20) !== 0) continue; // a control batch (transaction marker)
          for (const record of batch.records) {
            const recordOffset = first + record.offsetDelta;
            if (recordOffset < offset) continue;
            records.push({
              topic,
              partition,
              offset: recordOffset,
              key: record.key,
              value: record.value,
              headers: convertHeaders(record.headers),
              timestamp: safeNumber(batch.firstTimestamp + record.timestampDelta),
            });
          }
        }
      }
    }
    return { records, nextOffset, highWatermark };
  }

  async close(): Promise<void> {
    await this.#consumer.close().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
