/**
 * The constants of the state layer, byte for byte, so a changelog topic or a state
 * directory means the same thing to streamstate and to Quix Streams.
 *
 * Byte-string constants are `Uint8Array`s shared by everyone who imports them: never mutate them.
 *
 * @module
 */

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/** The byte between a prefix and a key, and between integer parts of a key: `|` (0x7C). */
export const SEPARATOR: Uint8Array = ascii('|');
/** The prefix of keys written without one: no bytes (the key then has no separator). */
export const DEFAULT_PREFIX: Uint8Array = new Uint8Array(0);

/** Changelog header naming the column family of a message. */
export const CHANGELOG_CF_MESSAGE_HEADER = '__column_family__';
/** Changelog header carrying the JSON object of source offsets processed when the message was produced. */
export const CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER = '__processed_tp_offsets__';

/** Column family of partition bookkeeping (changelog offset, TTL flags); never produced to the changelog. */
export const METADATA_CF_NAME = '__metadata__';
/** Column family of the TTL expiry index; never produced to the changelog. */
export const TTL_INDEX_CF_NAME = '__ttl_index__';
/** Column families that stay local: nothing written to them is produced to the changelog. */
export const LOCAL_ONLY_CFS: ReadonlySet<string> = new Set([METADATA_CF_NAME, TTL_INDEX_CF_NAME]);

/** Key of the stored changelog offset in {@link METADATA_CF_NAME}; its value is `u64(offset)`. */
export const CHANGELOG_OFFSET_KEY: Uint8Array = ascii('__changelog_offset__');

/** Column family of the global counter used by windowed collections and timestamped duplicates. */
export const GLOBAL_COUNTER_CF_NAME = '__global-counter__';
/** Key of the global counter (prefixed by `|` in timestamped stores, whose keys always carry a separator). */
export const GLOBAL_COUNTER_KEY: Uint8Array = ascii('__global_counter__');

/** The largest unsigned 64-bit integer, 2^64-1. */
export const MAX_UINT64 = 18446744073709551615n;

/** Windowed: column family of the per-prefix "expired up to" marker. */
export const LATEST_EXPIRED_WINDOW_CF_NAME = '__expiration-index__';
/** Windowed: key of the "expired up to" marker. */
export const LATEST_EXPIRED_WINDOW_TIMESTAMP_KEY: Uint8Array = ascii('__expired_start_gt__');
/** Windowed: column family of the per-prefix "deleted up to" window marker. */
export const LATEST_DELETED_WINDOW_CF_NAME = '__deletion-index__';
/** Windowed: key of the "deleted up to" window marker. */
export const LATEST_DELETED_WINDOW_TIMESTAMP_KEY: Uint8Array = ascii('__deleted_start_gt__');
/** Windowed: column family of the per-prefix "collection values deleted up to" marker. */
export const LATEST_DELETED_VALUE_CF_NAME = '__value-deletion-index__';
/** Windowed: key of the "collection values deleted up to" marker. */
export const LATEST_DELETED_VALUE_TIMESTAMP_KEY: Uint8Array = ascii('__value_deleted_start_gt__');
/** Windowed: column family of the per-prefix latest event timestamp. */
export const LATEST_TIMESTAMPS_CF_NAME = '__latest-timestamps__';
/** Windowed: key of the per-prefix latest event timestamp. */
export const LATEST_TIMESTAMP_KEY: Uint8Array = ascii('__latest_timestamp__');
/** Windowed: column family of collection values. */
export const VALUES_CF_NAME = '__values__';
/** Timestamped: column family of the per-prefix minimum eligible timestamp (raw `u64`). */
export const MIN_ELIGIBLE_TIMESTAMPS_CF_NAME = '__min-eligible-timestamps__';
/** Timestamped: key of the per-prefix minimum eligible timestamp. */
export const MIN_ELIGIBLE_TIMESTAMPS_KEY: Uint8Array = ascii('__min_eligible_timestamps__');

/** Name of the store registered when none is given. */
export const DEFAULT_STATE_STORE_NAME = 'default';
/** Kafka's "from the beginning" offset. */
export const OFFSET_BEGINNING = -2;
