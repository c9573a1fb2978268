/**
 * Kafka for streamstate: the small client contract the application layer uses, its implementation
 * over `@platformatic/kafka` ({@link connectKafka}), and a built-in in-process source
 * ({@link InMemoryKafka}).
 *
 * @module
 */
export {
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
  type RebalanceEvent,
  type TopicDescription,
  type TopicPartition,
  type Watermarks,
} from './types.js';
export { connectKafka, parseBrokers, KafkaError, type KafkaConnectionOptions } from './platformatic.js';
export { InMemoryKafka } from './memory.js';
