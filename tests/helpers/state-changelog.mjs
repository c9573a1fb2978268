// An in-memory changelog for state tests: a ChangelogProducerFactory provider (what
// StateStoreManager's `changelogProducerFactory` option takes) that records every produced message
// with its offset, per topic and partition, so tests can read them back and replay them.
export class MemoryChangelog {
  /** topic name -> partition -> messages ({ key, value, headers, offset }) */
  #topics = new Map();
  /** The topics bound so far (what the manager asked for). */
  bound = [];

  /** The provider to pass as `changelogProducerFactory`. */
  factory = (topic) => {
    this.bound.push(topic);
    return {
      changelogName: topic.name,
      getPartitionProducer: (partition) => ({
        changelogName: topic.name,
        partition,
        produce: (key, value, headers) => {
          const messages = this.messages(topic.name, partition);
          messages.push({ key: key.slice(), value: value === null ? null : value.slice(), headers: { ...headers }, offset: messages.length });
        },
      }),
    };
  };

  /** The messages of one topic partition (a live array). */
  messages(topic, partition) {
    let partitions = this.#topics.get(topic);
    if (partitions === undefined) this.#topics.set(topic, (partitions = new Map()));
    let messages = partitions.get(partition);
    if (messages === undefined) partitions.set(partition, (messages = []));
    return messages;
  }

  /** Offset of the last message of one topic partition, or undefined when empty. */
  lastOffset(topic, partition) {
    const messages = this.messages(topic, partition);
    return messages.length === 0 ? undefined : messages.length - 1;
  }

  /** Names of the topics that have messages. */
  topics() {
    return [...this.#topics.keys()];
  }
}
