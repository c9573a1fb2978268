/**
 * The application's one producer, buffered per checkpoint: changelog messages (from the state
 * transactions' `prepare()`) and output records (from user code) are collected, then sent together
 * when the checkpoint flushes the producer, so a checkpoint costs one round of produce requests.
 * After the flush it knows the offset of the last delivered message of every changelog partition,
 * which the checkpoint stores with each partition's state.
 *
 * @module
 */
import type { ChangelogHeaders, ChangelogProducer, ChangelogProducerFactory } from '../state/changelog.js';
import { tpKey, type DeliveredRecord, type KafkaProducer, type OutgoingRecord } from '../kafka/types.js';

/** Records per produce request; a checkpoint with more sends several, in order. */
const SEND_CHUNK = 2_000;

/** See the module documentation. */
export class CheckpointProducer {
  readonly #producer: KafkaProducer;
  #pending: OutgoingRecord[] = [];
  readonly #delivered = new Map<string, number>();

  /** @param producer - the Kafka producer it sends with */
  constructor(producer: KafkaProducer) {
    this.#producer = producer;
  }

  /** Records waiting for {@link CheckpointProducer.flush}. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Queue a record; it is sent at the next {@link CheckpointProducer.flush}.
   * @param record - the record
   */
  produce(record: OutgoingRecord): void {
    this.#pending.push(record);
  }

  /**
   * Send every queued record and wait for the acknowledgements.
   * @returns the delivered records' positions, in order
   */
  async flush(): Promise<DeliveredRecord[]> {
    const records = this.#pending;
    this.#pending = [];
    const delivered: DeliveredRecord[] = [];
    for (let start = 0; start < records.length; start += SEND_CHUNK) {
      delivered.push(...(await this.#producer.send(records.slice(start, start + SEND_CHUNK))));
    }
    for (const { topic, partition, offset } of delivered) this.#delivered.set(tpKey(topic, partition), offset);
    return delivered;
  }

  /** Drop the queued records (after a failed checkpoint; they are produced again when reprocessed). */
  discard(): void {
    this.#pending = [];
  }

  /**
   * @param topic - a changelog topic
   * @param partition - its partition
   * @returns the offset of the last message delivered there by this producer, if any
   */
  lastDelivered(topic: string, partition: number): number | undefined {
    return this.#delivered.get(tpKey(topic, partition));
  }

  /**
   * @param changelogName - the changelog topic of one store
   * @returns the factory the state layer asks for each partition's changelog producer
   */
  changelogFactory(changelogName: string): ChangelogProducerFactory {
    return {
      changelogName,
      getPartitionProducer: (partition: number): ChangelogProducer => ({
        changelogName,
        partition,
        produce: (key: Uint8Array, value: Uint8Array | null, headers: ChangelogHeaders): void => {
          this.produce({ topic: changelogName, partition, key, value, headers: Object.entries(headers) });
        },
      }),
    };
  }

  /** Close the underlying producer. */
  async close(): Promise<void> {
    await this.#producer.close();
  }
}
