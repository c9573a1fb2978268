/**
 * What the partitions of a store kind (windowed, timestamped) are given, built the way the plain
 * `Store` builds it: the store's name, stream, serializer, the partition's changelog producer, and
 * a logger that follows the store's (so installing a logger later with `setLogger` reaches them).
 *
 * @module
 */
import type { Logger } from '../../logging.js';
import type { ChangelogProducer } from '../changelog.js';
import type { StorePartitionOptions } from '../partition.js';
import type { ResolvedStoreOptions } from '../options.js';

/** The parts of a store its partitions are made from. */
export interface PartitionSource {
  /** Store name. */
  readonly name: string;
  /** Stream id, or `null`. */
  readonly streamId: string | null;
  /** Resolved options (serializer). */
  readonly options: ResolvedStoreOptions;
}

/**
 * @param partition - the partition number
 * @param changelogProducer - the partition's changelog producer, if any
 * @param currentLogger - returns the store's logger at the time of each line
 * @returns the options of the partition
 */
export function storePartitionOptions(
  store: PartitionSource,
  partition: number,
  changelogProducer: ChangelogProducer | undefined,
  currentLogger: () => Logger,
): StorePartitionOptions {
  const logger: Logger = {
    debug: (message) => currentLogger().debug(message),
    info: (message) => currentLogger().info(message),
    warn: (message) => currentLogger().warn(message),
    error: (message) => currentLogger().error(message),
  };
  return {
    storeName: store.name,
    streamId: store.streamId,
    partition,
    dumps: store.options.dumps,
    loads: store.options.loads,
    logger,
    ...(changelogProducer === undefined ? {} : { changelogProducer }),
  };
}
