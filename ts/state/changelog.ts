/**
 * The changelog seen from the state layer: producers that a transaction's
 * `prepare()` writes to, the message shape recovery reads, and the topic naming rule.
 *
 * The state layer does not talk to Kafka itself: the application (or a test) supplies a
 * {@link ChangelogProducerFactory} per store, bound to one changelog topic, and the store asks it
 * for one {@link ChangelogProducer} per partition.
 *
 * @module
 */

/** Headers of a produced changelog message: `__column_family__` and `__processed_tp_offsets__`, as bytes. */
export type ChangelogHeaders = Record<string, Uint8Array>;

/** Produces the changelog messages of one store partition, to one changelog topic partition. */
export interface ChangelogProducer {
  /** The changelog topic name. */
  readonly changelogName: string;
  /** The partition number (equal to the store partition number). */
  readonly partition: number;
  /**
   * Produce one message. Called in order; when it returns a promise, the next call waits for it.
   * @param key - the full serialized key (prefix included)
   * @param value - the stored bytes, or `null` for a delete (a tombstone)
   * @param headers - the column family and processed offsets headers
   */
  produce(key: Uint8Array, value: Uint8Array | null, headers: ChangelogHeaders): void | Promise<void>;
}

/** Gives each partition of one store its {@link ChangelogProducer}; bound to one changelog topic. */
export interface ChangelogProducerFactory {
  /** The changelog topic name. */
  readonly changelogName: string;
  /**
   * @param partition - a store partition number
   * @returns the producer for that partition
   */
  getPartitionProducer(partition: number): ChangelogProducer;
}

/** A changelog topic the manager asks a factory for: which store it belongs to and its name. */
export interface ChangelogTopic {
  /** Topic name, see {@link changelogTopicName}. */
  readonly name: string;
  /** Consumer group (may be empty). */
  readonly groupId: string;
  /** The stream the store belongs to, or `null`. */
  readonly streamId: string | null;
  /** The store name. */
  readonly storeName: string;
}

/**
 * Header values as a Kafka client hands them over: bytes (a `Buffer` is fine) or strings; missing
 * headers may be absent, `undefined` or `null`. Either an object or a list of `[name, value]` pairs
 * (a repeated name: the last one counts).
 */
export type ChangelogMessageHeaders =
  | Readonly<Record<string, Uint8Array | string | null | undefined>>
  | Iterable<readonly [string, Uint8Array | string | null | undefined]>;

/** A changelog message handed to recovery. */
export interface ChangelogMessage {
  /** The serialized key. */
  readonly key: Uint8Array;
  /** The stored bytes, or `null`/`undefined` for a delete. An empty array is a value. */
  readonly value: Uint8Array | null | undefined;
  /** The message headers. */
  readonly headers: ChangelogMessageHeaders;
  /** The message's offset in its changelog topic partition. */
  readonly offset: number;
}

/**
 * The changelog topic name of a store: `changelog__<group>--<stream>--<store>`, or
 * `changelog__<group>--<store>` without a stream. A stream id that is itself an internal topic of the
 * group (containing `__<group>--`) is first rewritten: `__<group>` removed, each `--` made `.`.
 * @param groupId - the consumer group
 * @param streamId - the stream id, or `null`
 * @param storeName - the store name
 * @returns the topic name, e.g. `changelog__v4--test-topic--tumbling_window_60000_sum`
 */
export function changelogTopicName(groupId: string, streamId: string | null, storeName: string): string {
  if (streamId === null || streamId === '') return `changelog__${groupId}--${storeName}`;
  let stream = streamId;
  if (stream.includes(`__${groupId}--`)) stream = stream.replaceAll(`__${groupId}`, '').replaceAll('--', '.');
  return `changelog__${groupId}--${stream}--${storeName}`;
}
