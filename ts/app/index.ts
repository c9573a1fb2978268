/**
 * The application layer: {@link Application} runs {@link StreamingDataFrame} pipelines over Kafka
 * with state, changelogs, recovery and checkpoints. See docs/application.md.
 *
 * @module
 */
export { Application, type ApplicationOptions, type RunOptions, type RunSummary } from './application.js';
export { StreamingDataFrame, type MessageContext, type StepOptions } from './dataframe.js';
export { ApplicationError, RecoveryStuckError, TopicConfigurationMismatch, TopicNotFoundError } from './errors.js';
export { RecoveryManager, RecoveryPartition, type RecoveryOptions, type RecoveryReport } from './recovery.js';
export { CheckpointProducer } from './producer.js';
