/**
 * `InMemoryKafka`: a {@link KafkaClient} inside one process, with no broker, for the quick-start
 * example and for trying a pipeline. Topics are arrays of records in memory; consumer groups split
 * partitions between their members in the process (range assignment, an eager rebalance whenever a
 * member joins or leaves); committed offsets are kept per group. Nothing is persisted, nothing is
 * replicated, and there is no compaction: it is a source for programs, not a stand-in for Kafka
 * when testing delivery guarantees (the project's own tests of those run on a real broker).
 *
 * @module
 */
import {
  NO_COMMITTED_OFFSET,
  tpKey,
  type DeliveredRecord,
  type GroupConsumer,
  type GroupConsumerOptions,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaProducer,
  type KafkaRecord,
  type OutgoingRecord,
  type PartitionReader,
  type ReadResult,
  type TopicDescription,
  type TopicPartition,
  type Watermarks,
} from './types.js';
import { KafkaError } from './platformatic.js';

interface MemoryTopic {
  readonly description: TopicDescription;
  readonly partitions: KafkaRecord[][];
}

interface MemoryGroup {
  readonly members: MemoryMember[];
  readonly committed: Map<string, number>;
}

/** See the module documentation. */
export class InMemoryKafka implements KafkaClient {
  /** @inheritDoc */
  readonly description = 'in-memory Kafka';
  readonly #topics = new Map<string, MemoryTopic>();
  readonly #groups = new Map<string, MemoryGroup>();
  readonly #waiters = new Set<() => void>();
  #roundRobin = 0;

  /**
   * Create a topic (as `admin().createTopics` does), synchronously: handy before producing.
   * @param name - topic name
   * @param partitions - partition count
   * @param config - topic configuration
   */
  createTopic(name: string, partitions: number, config: Record<string, string> = {}): void {
    if (this.#topics.has(name)) return;
    if (!Number.isInteger(partitions) || partitions < 1) throw new KafkaError(`Topic "${name}": partitions must be a positive integer, got ${partitions}.`);
    this.#topics.set(name, { description: { name, partitions, replicationFactor: 1, config: { ...config } }, partitions: Array.from({ length: partitions }, () => []) });
  }

  /**
   * @param topic - topic name
   * @returns every record of the topic, partition by partition
   */
  records(topic: string): KafkaRecord[] {
    return (this.#topics.get(topic)?.partitions ?? []).flat();
  }

  /** @inheritDoc */
  producer(): KafkaProducer {
    return {
      send: async (records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]> => records.map((record) => this.#append(record)),
      close: async () => {},
    };
  }

  /** @inheritDoc */
  admin(): KafkaAdmin {
    return {
      describeTopics: async (names) => new Map(names.flatMap((name) => (this.#topics.has(name) ? [[name, this.#topics.get(name)!.description] as const] : []))),
      createTopics: async (topics) => {
        for (const topic of topics) this.createTopic(topic.name, topic.partitions, { ...topic.config });
      },
      watermarks: async (topic, partitions) => new Map(partitions.map((partition) => [partition, this.#watermarks(topic, partition)])),
      close: async () => {},
    };
  }

  /** @inheritDoc */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new MemoryMember(this, options);
  }

  /** @inheritDoc */
  partitionReader(): PartitionReader {
    return {
      read: async (topic, partition, offset, options = {}): Promise<ReadResult> => {
        const log = this.#partition(topic, partition);
        const limit = Math.max(1, Math.floor((options.maxBytes ?? 4 * 1024 * 1024) / 128));
        const records = log.slice(Math.max(0, offset), Math.max(0, offset) + limit);
        return { records, nextOffset: Math.max(offset, (records.at(-1)?.offset ?? offset - 1) + 1), highWatermark: log.length };
      },
      close: async () => {},
    };
  }

  /** @internal */
  partitionLog(topic: string, partition: number): KafkaRecord[] {
    return this.#partition(topic, partition);
  }

  /** @internal */
  topicDescription(topic: string): TopicDescription | undefined {
    return this.#topics.get(topic)?.description;
  }

  /** @internal */
  group(groupId: string): MemoryGroup {
    let group = this.#groups.get(groupId);
    if (group === undefined) this.#groups.set(groupId, (group = { members: [], committed: new Map() }));
    return group;
  }

  /** @internal Give every member of a group its share of the partitions (range assignment). */
  rebalance(groupId: string): void {
    const group = this.group(groupId);
    for (const member of group.members) member.notify({ type: 'started' });
    const assignments = new Map<MemoryMember, TopicPartition[]>(group.members.map((member) => [member, []]));
    const topics = [...new Set(group.members.flatMap((member) => member.topics))].sort();
    for (const topic of topics) {
      const description = this.#topics.get(topic)?.description;
      if (description === undefined) continue;
      const members = group.members.filter((member) => member.topics.includes(topic));
      for (let partition = 0; partition < description.partitions; partition++) {
        const owner = members[Math.floor((partition * members.length) / description.partitions)]!;
        assignments.get(owner)!.push({ topic, partition });
      }
    }
    for (const [member, partitions] of assignments) member.assign(partitions);
  }

  /** @internal Wait until a record is appended or the time passes. */
  waitForRecords(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
  }

  #append(record: OutgoingRecord): DeliveredRecord {
    const topic = this.#topics.get(record.topic);
    if (topic === undefined) throw new KafkaError(`Topic "${record.topic}" does not exist; create it first.`);
    const partition = record.partition ?? this.#choosePartition(record, topic.description.partitions);
    const log = this.#partition(record.topic, partition);
    const stored: KafkaRecord = {
      topic: record.topic,
      partition,
      offset: log.length,
      key: record.key ?? null,
      value: record.value,
      headers: [...(record.headers ?? [])],
      timestamp: record.timestamp ?? Date.now(),
    };
    log.push(stored);
    for (const wake of [...this.#waiters]) wake();
    return { topic: record.topic, partition, offset: stored.offset };
  }

  #choosePartition(record: OutgoingRecord, partitions: number): number {
    if (record.key === undefined || record.key === null) return this.#roundRobin++ % partitions;
    let hash = 2166136261; // FNV-1a over the key bytes
    for (const byte of record.key) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
    return hash % partitions;
  }

  #partition(topic: string, partition: number): KafkaRecord[] {
    const log = this.#topics.get(topic)?.partitions[partition];
    if (log === undefined) throw new KafkaError(`Unknown topic partition ${tpKey(topic, partition)}.`);
    return log;
  }

  #watermarks(topic: string, partition: number): Watermarks {
    return { low: 0, high: this.#partition(topic, partition).length };
  }
}

class MemoryMember implements GroupConsumer {
  readonly #kafka: InMemoryKafka;
  readonly #options: GroupConsumerOptions;
  readonly topics: readonly string[];
  #assignment: TopicPartition[] | undefined;
  readonly #positions = new Map<string, number>();
  #joined = false;
  #closed = false;

  constructor(kafka: InMemoryKafka, options: GroupConsumerOptions) {
    this.#kafka = kafka;
    this.#options = options;
    this.topics = [...options.topics];
  }

  get assignment(): readonly TopicPartition[] | undefined {
    return this.#assignment;
  }

  notify(event: { type: 'started' }): void {
    this.#options.onRebalance(event);
  }

  assign(partitions: TopicPartition[]): void {
    this.#assignment = partitions;
    this.#positions.clear();
    this.#options.onRebalance({ type: 'assigned', partitions });
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<KafkaRecord[]> {
    if (this.#closed) return [];
    if (!this.#joined) {
      this.#joined = true;
      this.#kafka.group(this.#options.groupId).members.push(this);
      this.#kafka.rebalance(this.#options.groupId);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = this.#take(maxRecords);
      if (records.length > 0 || this.#closed) return records;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.#kafka.waitForRecords(remaining);
    }
  }

  async committed(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const committed = this.#kafka.group(this.#options.groupId).committed;
    return new Map(partitions.map(({ topic, partition }) => [tpKey(topic, partition), committed.get(tpKey(topic, partition)) ?? NO_COMMITTED_OFFSET]));
  }

  async commit(offsets: readonly DeliveredRecord[]): Promise<void> {
    const committed = this.#kafka.group(this.#options.groupId).committed;
    for (const { topic, partition, offset } of offsets) committed.set(tpKey(topic, partition), offset);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const group = this.#kafka.group(this.#options.groupId);
    const index = group.members.indexOf(this);
    if (index >= 0) {
      group.members.splice(index, 1);
      this.#kafka.rebalance(this.#options.groupId);
    }
  }

  #take(maxRecords: number): KafkaRecord[] {
    const records: KafkaRecord[] = [];
    const committed = this.#kafka.group(this.#options.groupId).committed;
    for (const { topic, partition } of this.#assignment ?? []) {
      const key = tpKey(topic, partition);
      const log = this.#kafka.partitionLog(topic, partition);
      let position = this.#positions.get(key);
      if (position === undefined) {
        position = committed.get(key) ?? (this.#options.autoOffsetReset === 'earliest' ? 0 : log.length);
      }
      const taken = log.slice(position, position + (maxRecords - records.length));
      records.push(...taken);
      this.#positions.set(key, position + taken.length);
      if (records.length >= maxRecords) break;
    }
    return records;
  }
}
