/**
 * The Kafka contract of streamstate: the few operations the application layer needs from a Kafka
 * client, so nothing above this folder imports a client library. Two implementations:
 * {@link connectKafka} (a real broker, through `@platformatic/kafka`) and {@link InMemoryKafka}
 * (a built-in, single-process source for examples and tests of user code; no replication, no
 * networking).
 *
 * Offsets are JavaScript numbers (safe integers). Keys, values and header values are bytes.
 *
 * @module
 */

/** A topic and one of its partitions. */
export interface TopicPartition {
  /** Topic name. */
  readonly topic: string;
  /** Partition number. */
  readonly partition: number;
}

/** A header: its name and its bytes. */
export type KafkaHeader = readonly [name: string, value: Uint8Array];

/** A message as consumed. */
export interface KafkaRecord extends TopicPartition {
  /** Its offset in the partition. */
  readonly offset: number;
  /** Key bytes, or `null`. */
  readonly key: Uint8Array | null;
  /** Value bytes, or `null` (a tombstone). */
  readonly value: Uint8Array | null;
  /** Headers, in order. */
  readonly headers: readonly KafkaHeader[];
  /** Message timestamp, ms since the epoch. */
  readonly timestamp: number;
}

/** A message to produce. */
export interface OutgoingRecord {
  /** Topic name. */
  readonly topic: string;
  /** Partition; omitted: the client chooses one from the key (round robin without a key). */
  readonly partition?: number;
  /** Key bytes, or `null`. */
  readonly key?: Uint8Array | null;
  /** Value bytes, or `null` (a tombstone). */
  readonly value: Uint8Array | null;
  /** Headers. */
  readonly headers?: readonly KafkaHeader[];
  /** Timestamp, ms; omitted: now. */
  readonly timestamp?: number;
}

/** What {@link KafkaProducer.send} reports for one record. */
export interface DeliveredRecord extends TopicPartition {
  /** The offset the broker gave it. */
  readonly offset: number;
}

/** Produces records, acknowledged by every in-sync replica. */
export interface KafkaProducer {
  /**
   * Send records and wait until the broker acknowledged all of them.
   * @param records - the records, in order (order is kept per partition)
   * @returns where each record landed, aligned with `records`
   */
  send(records: readonly OutgoingRecord[]): Promise<DeliveredRecord[]>;
  /** Close the producer's connections. */
  close(): Promise<void>;
}

/** A topic to create, or as it exists. */
export interface TopicDescription {
  /** Topic name. */
  readonly name: string;
  /** Partition count. */
  readonly partitions: number;
  /** Replication factor. */
  readonly replicationFactor: number;
  /** Topic configuration (e.g. `cleanup.policy`), as strings. Only the overrides when describing. */
  readonly config: Readonly<Record<string, string>>;
}

/** The first and next offsets of a partition. */
export interface Watermarks {
  /** The earliest offset still in the log. */
  readonly low: number;
  /** The offset the next produced message will get (the end of the log). */
  readonly high: number;
}

/** Topic management. */
export interface KafkaAdmin {
  /**
   * @param names - topic names
   * @returns the topics that exist, by name (missing names are absent)
   */
  describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>>;
  /**
   * Create topics; a topic that already exists is left as it is. Returns once every partition has a
   * leader, so producing right after works.
   * @param topics - the topics
   */
  createTopics(topics: readonly TopicDescription[]): Promise<void>;
  /**
   * @param topic - a topic
   * @param partitions - partition numbers
   * @returns the watermarks of each partition
   */
  watermarks(topic: string, partitions: readonly number[]): Promise<Map<number, Watermarks>>;
  /** Close the admin's connections. */
  close(): Promise<void>;
}

/** What {@link GroupConsumer} tells its listener. */
export type RebalanceEvent =
  | { readonly type: 'started' }
  | { readonly type: 'assigned'; readonly partitions: readonly TopicPartition[] };

/** Options of {@link KafkaClient.groupConsumer}. */
export interface GroupConsumerOptions {
  /** The consumer group. */
  readonly groupId: string;
  /** The topics to subscribe to. */
  readonly topics: readonly string[];
  /** Where to start a partition that has no committed offset. */
  readonly autoOffsetReset: 'earliest' | 'latest';
  /** How long the broker waits for a heartbeat before it drops the member, ms. */
  readonly sessionTimeoutMs: number;
  /** How often the member heartbeats, ms. */
  readonly heartbeatIntervalMs: number;
  /** How long a rebalance may take, ms. */
  readonly rebalanceTimeoutMs: number;
  /** Called when a rebalance starts and when the new assignment is known. */
  readonly onRebalance: (event: RebalanceEvent) => void;
}

/** The `committed` offset of a partition that has none. */
export const NO_COMMITTED_OFFSET = -1001;

/** A member of a consumer group: records of its assigned partitions, and offset commits. */
export interface GroupConsumer {
  /** The member's current assignment; `undefined` until the first one. */
  readonly assignment: readonly TopicPartition[] | undefined;
  /**
   * Wait for records of the assigned partitions.
   * @param maxRecords - at most this many
   * @param timeoutMs - return an empty list after this long without records
   * @returns records, in order per partition; records of partitions no longer assigned may appear
   *   right after a rebalance (the caller drops them)
   */
  poll(maxRecords: number, timeoutMs: number): Promise<KafkaRecord[]>;
  /**
   * @param partitions - partitions of the subscribed topics
   * @returns the committed offset (the next offset to consume) of each, {@link NO_COMMITTED_OFFSET} when none
   */
  committed(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  /**
   * Commit offsets (the next offset to consume, i.e. the last processed + 1).
   * @param offsets - offsets per partition
   */
  commit(offsets: readonly DeliveredRecord[]): Promise<void>;
  /** Leave the group and close the connections. */
  close(): Promise<void>;
}

/** What {@link PartitionReader.read} returns. */
export interface ReadResult {
  /** Records from the requested offset on (possibly none). */
  readonly records: KafkaRecord[];
  /** The offset to read from next: past the last record or batch returned. */
  readonly nextOffset: number;
  /** The partition's end (high watermark) when the broker answered. */
  readonly highWatermark: number;
}

/** Reads partitions at explicit offsets, outside any consumer group (recovery reads changelogs with it). */
export interface PartitionReader {
  /**
   * @param topic - topic name
   * @param partition - partition number
   * @param offset - the first offset wanted
   * @param options - `maxBytes` per answer, `maxWaitMs` to wait for data when at the end
   * @returns the records from `offset` on
   */
  read(topic: string, partition: number, offset: number, options?: { maxBytes?: number; maxWaitMs?: number }): Promise<ReadResult>;
  /** Close the connections. */
  close(): Promise<void>;
}

/** A Kafka cluster, as the application layer uses it. */
export interface KafkaClient {
  /** For log lines: e.g. `kafka 127.0.0.1:9092` or `in-memory`. */
  readonly description: string;
  /** @returns a new producer */
  producer(): KafkaProducer;
  /** @returns a new admin client */
  admin(): KafkaAdmin;
  /**
   * @param options - group, topics, reset policy, timings, rebalance listener
   * @returns a new group member (it joins on the first poll)
   */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  /** @returns a new reader of partitions at explicit offsets */
  partitionReader(): PartitionReader;
}

/**
 * @param topic - topic
 * @param partition - partition
 * @returns `topic[partition]`, the key of a topic partition in maps and in messages
 */
export function tpKey(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}
