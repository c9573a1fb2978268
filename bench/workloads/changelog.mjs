// Changelog helpers for the workloads: a producer factory that only counts (the application's
// Kafka producer is not what is measured), and generated changelog messages for recovery.

/** A changelog producer factory that counts messages per partition and keeps nothing. */
export function countingChangelog() {
  const counts = new Map();
  let total = 0;
  return {
    factory: (topic) => ({
      changelogName: topic.name,
      getPartitionProducer: (partition) => ({
        changelogName: topic.name,
        partition,
        produce() {
          counts.set(partition, (counts.get(partition) ?? 0) + 1);
          total++;
        },
      }),
    }),
    /** The offset of the last message produced to `partition` (undefined when none). */
    lastOffset: (partition) => {
      const count = counts.get(partition) ?? 0;
      return count === 0 ? undefined : count - 1;
    },
    produced: () => total,
  };
}

const encoder = new TextEncoder();

/**
 * `count` changelog messages of a plain store over `keys` distinct keys (each key updated
 * count/keys times, in order), as a changelog consumer would hand them over: key and value bytes,
 * the column family and processed-offsets headers, consecutive offsets. All are committed.
 * @returns `{ messages, committedOffsets, keys }` (`keys`: the distinct serialized keys)
 */
export function generateChangelog(count, keys) {
  const keyBytes = Array.from({ length: keys }, (_, k) => encoder.encode(`"user-${k}"|"total"`));
  const cf = encoder.encode('default');
  const messages = Array.from({ length: count }, (_, offset) => ({
    key: keyBytes[offset % keys],
    value: encoder.encode(JSON.stringify({ total: offset, note: 'x'.repeat(60) })),
    headers: { __column_family__: cf, __processed_tp_offsets__: encoder.encode(`{"events":${offset}}`) },
    offset,
  }));
  return { messages, committedOffsets: { events: count }, keys: keyBytes };
}
