// The Kafka test infrastructure works end to end: a real broker (scripts/kafka-server.sh, shared by
// tests/kafka/ when run by tests/run.mjs) and the client from npm (@platformatic/kafka, on Node 24).
// Admin creates a compacted topic with 3 partitions, keyed messages with headers are produced,
// read back by group consumers (classic and KIP-848 protocols) and at explicit offsets (a stream
// in manual mode, and a raw fetch outside any group), and the watermarks match what was produced.
// Skipped, loudly and counted, only if the script reports (exit status 3) that no broker can be
// installed on this machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Admin, Consumer, ListOffsetTimestamps, ProduceAcks, Producer } from '@platformatic/kafka';
import { within } from '../helpers/deadline.mjs';
import { skipLoudly, startKafkaServer, uniqueName } from '../helpers/kafka-server.mjs';

const server = await startKafkaServer();
if (server === undefined) skipLoudly(suite, 'Kafka broker');
else {
  run(server);
  runDedicated();
}

/** Reads `count` messages from a stream (or fails at the deadline), then closes the stream. */
async function take(stream, count, ms, what) {
  const got = [];
  try {
    await within(
      ms,
      (async () => {
        for await (const message of stream) {
          got.push(message);
          if (got.length === count) return;
        }
      })(),
      `${what} (${got.length} of ${count} messages so far)`,
    );
  } finally {
    await stream.close();
  }
  return got;
}

const PARTITIONS = 3;
const b = (text) => Buffer.from(text);
const text = (buffer) => buffer?.toString('utf8');
/** The headers of a consumed message as plain strings. */
const headerStrings = (message) => [...message.headers].map(([k, v]) => [text(k), text(v)]);

function run({ bootstrap }) {
  const test = suite('Kafka broker (real, via @platformatic/kafka)');
  const bootstrapBrokers = [bootstrap];
  const topic = uniqueName('smoke');
  const clients = [];
  const client = (c) => (clients.push(c), c);
  let admin;
  // What was produced, by partition: [{ key, value, headers, offset }]
  const produced = new Map();

  test.before(async () => {
    admin = client(new Admin({ clientId: 'smoke-admin', bootstrapBrokers, timeout: 10_000 }));
  });

  test.after(async () => {
    try {
      await admin.deleteTopics({ topics: [topic] });
    } catch {
      // the topic may not exist when an earlier test failed; nothing to clean then
    }
    for (const c of clients.reverse()) await c.close();
  });

  test('admin creates a compacted topic with 3 partitions, and every partition gets a leader', async () => {
    const [created] = await within(
      20_000,
      admin.createTopics({
        topics: [topic],
        partitions: PARTITIONS,
        replicas: 1,
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.compaction.lag.ms', value: '0' },
        ],
      }),
      'createTopics',
    );
    assert.is(created.name, topic);
    assert.is(created.partitions, PARTITIONS);
    assert.is(created.configuration['cleanup.policy'], 'compact');

    // createTopics returns before the partitions have leaders: poll the metadata until they do.
    const leaders = await within(
      20_000,
      (async () => {
        for (;;) {
          const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
          const partitions = metadata.topics.get(topic)?.partitions ?? [];
          if (partitions.length === PARTITIONS && partitions.every((p) => p.leader >= 0)) return partitions.map((p) => p.leader);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      'waiting for partition leaders',
    );
    assert.equal(leaders, [1, 1, 1], 'the single node (node.id=1) leads every partition');

    const [described] = await admin.describeConfigs({
      resources: [{ resourceType: 2 /* TOPIC */, resourceName: topic, configurationKeys: ['cleanup.policy'] }],
    });
    assert.equal(
      described.configs.map((c) => [c.name, c.value]),
      [['cleanup.policy', 'compact']],
    );
    const topics = await admin.listTopics();
    assert.ok(topics.includes(topic), 'listTopics lists the new topic');
  });

  test('an idempotent producer sends keyed messages with headers to chosen partitions', async () => {
    const producer = client(
      new Producer({ clientId: 'smoke-producer', bootstrapBrokers, idempotent: true, acks: ProduceAcks.ALL, timeout: 10_000 }),
    );
    const messages = [];
    for (let i = 0; i < 12; i++) {
      const partition = i % PARTITIONS;
      messages.push({
        topic,
        partition,
        key: b(`key-${i}`),
        value: b(`value-${i}`),
        // Without serializers, header names and values must be Buffers: a Map<Buffer, Buffer>.
        headers: new Map([
          [b('seq'), b(String(i))],
          [b('binary'), Buffer.from([0, 255, i])],
        ]),
      });
    }
    const result = await within(20_000, producer.send({ messages }), 'producer.send');
    assert.is(result.offsets.length, PARTITIONS, 'one offset per partition written');
    for (const { partition, offset } of result.offsets) {
      // The offset reported is the batch's base offset: the first of the partition's 4 messages.
      assert.is(offset, 0n, `partition ${partition} starts at 0`);
    }
    for (const [i, message] of messages.entries()) {
      const list = produced.get(message.partition) ?? [];
      list.push({ key: `key-${i}`, value: `value-${i}`, headers: [['seq', String(i)], ['binary', Buffer.from([0, 255, i]).toString('utf8')]], offset: BigInt(list.length) });
      produced.set(message.partition, list);
    }
    // A second send lands after the first: the next offset of partition 0 is 4.
    const second = await producer.send({ messages: [{ topic, partition: 0, key: b('key-0'), value: b('value-0-again') }] });
    assert.equal(second.offsets, [{ topic, partition: 0, offset: 4n }]);
    produced.get(0).push({ key: 'key-0', value: 'value-0-again', headers: [], offset: 4n });
  });

  test('watermarks: low is 0 and high is the count produced, from admin and from a consumer', async () => {
    const expectedHigh = [0, 1, 2].map((p) => BigInt(produced.get(p).length));
    assert.equal(expectedHigh, [5n, 4n, 4n]);
    const request = (timestamp) => ({
      topics: [{ name: topic, partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, timestamp })) }],
    });
    const byPartition = (listed) =>
      listed[0].partitions.slice().sort((x, y) => x.partitionIndex - y.partitionIndex).map((p) => p.offset);
    assert.equal(byPartition(await admin.listOffsets(request(ListOffsetTimestamps.EARLIEST))), [0n, 0n, 0n]);
    assert.equal(byPartition(await admin.listOffsets(request(ListOffsetTimestamps.LATEST))), expectedHigh);

    const consumer = client(new Consumer({ clientId: 'smoke-offsets', groupId: uniqueName('smoke-offsets'), bootstrapBrokers }));
    // Consumer.listOffsets: Map<topic, bigint[] indexed by partition>; the default timestamp is LATEST.
    const low = await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST });
    const high = await consumer.listOffsets({ topics: [topic] });
    assert.equal(low.get(topic), [0n, 0n, 0n]);
    assert.equal(high.get(topic), expectedHigh);
  });

  /** Asserts that `messages` are exactly what was produced (order within each partition kept). */
  function assertAllProduced(messages) {
    const seen = new Map();
    for (const message of messages) {
      assert.is(message.topic, topic);
      const list = seen.get(message.partition) ?? [];
      list.push({ key: text(message.key), value: text(message.value), headers: headerStrings(message), offset: message.offset });
      seen.set(message.partition, list);
    }
    for (const partition of [0, 1, 2]) assert.equal(seen.get(partition), produced.get(partition), `partition ${partition}`);
  }

  test('a group consumer (classic protocol) reads everything from the earliest offset, and commits', async () => {
    const groupId = uniqueName('smoke-classic');
    const consumer = client(new Consumer({ clientId: 'smoke-classic', groupId, bootstrapBrokers, maxWaitTime: 500, timeout: 10_000 }));
    const stream = await within(
      30_000,
      consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 1000 }),
      'joining the group',
    );
    const messages = await take(stream, 13, 30_000, 'consuming');
    assertAllProduced(messages);
    assert.is(messages[0].metadata.consumer.groupId, groupId);
    assert.equal(consumer.assignments?.map((a) => [a.topic, a.partitions.slice().sort()]), [[topic, [0, 1, 2]]], 'the only member owns every partition');

    // Commit the next offset to read (last + 1) per partition, then read the commits back.
    const last = new Map();
    for (const m of messages) last.set(m.partition, m);
    await consumer.commit({
      offsets: [...last.values()].map((m) => ({ topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch })),
    });
    const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2] }] });
    assert.equal(committed.get(topic), [5n, 4n, 4n]);
    const listed = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    assert.equal(
      listed[0].topics[0].partitions.slice().sort((x, y) => x.partitionIndex - y.partitionIndex).map((p) => p.committedOffset),
      [5n, 4n, 4n],
    );
  });

  test('a group consumer on the KIP-848 protocol ("consumer") reads everything too', async () => {
    const consumer = client(
      new Consumer({ clientId: 'smoke-848', groupId: uniqueName('smoke-848'), groupProtocol: 'consumer', bootstrapBrokers, maxWaitTime: 500, timeout: 10_000 }),
    );
    const stream = await within(30_000, consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false }), 'joining the group (KIP-848)');
    assertAllProduced(await take(stream, 13, 30_000, 'consuming (KIP-848)'));
  });

  test('a stream in manual mode starts at the explicit offsets given', async () => {
    const consumer = client(new Consumer({ clientId: 'smoke-manual', groupId: uniqueName('smoke-manual'), bootstrapBrokers, maxWaitTime: 500, timeout: 10_000 }));
    const offsets = [
      { topic, partition: 0, offset: 3n },
      { topic, partition: 1, offset: 4n }, // at the high watermark: nothing to read yet
      { topic, partition: 2, offset: 1n },
    ];
    const stream = await within(30_000, consumer.consume({ topics: [topic], mode: 'manual', offsets, autocommit: false }), 'manual stream');
    const messages = await take(stream, 2 + 3, 30_000, 'manual consuming');
    const got = messages.map((m) => [m.partition, m.offset, text(m.value)]).sort((x, y) => x[0] - y[0] || Number(x[1] - y[1]));
    assert.equal(got, [
      [0, 3n, 'value-9'],
      [0, 4n, 'value-0-again'],
      [2, 1n, 'value-5'],
      [2, 2n, 'value-8'],
      [2, 3n, 'value-11'],
    ]);
  });

  test('a raw fetch at an explicit offset, outside any group, returns the record batches', async () => {
    const consumer = client(new Consumer({ clientId: 'smoke-fetch', groupId: uniqueName('smoke-fetch-unused'), bootstrapBrokers, timeout: 10_000 }));
    const metadata = await consumer.metadata({ topics: [topic] });
    const { id: topicId, partitions } = metadata.topics.get(topic);
    const response = await within(
      20_000,
      consumer.fetch({
        node: partitions[1].leader,
        maxWaitTime: 100,
        topics: [{ topicId, partitions: [{ partition: 1, fetchOffset: 2n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
      }),
      'fetch',
    );
    const [part] = response.responses[0].partitions;
    assert.is(part.errorCode, 0);
    assert.is(part.highWatermark, 4n);
    assert.is(part.logStartOffset, 0n);
    // A batch starts at its base offset, which may precede the offset asked for: skip those records.
    const records = part.records.flatMap((batch) =>
      batch.records.map((r) => ({ offset: batch.firstOffset + BigInt(r.offsetDelta), key: text(r.key), headers: r.headers.map(([k, v]) => [text(k), text(v)]) })),
    );
    const fromTwo = records.filter((r) => r.offset >= 2n);
    assert.equal(
      fromTwo.map((r) => [r.offset, r.key, r.headers[0]]),
      [
        [2n, 'key-7', ['seq', '7']],
        [3n, 'key-10', ['seq', '10']],
      ],
    );
    assert.is(consumer.memberId, null, 'fetching joined no group');
  });

  test.run();
}

// A broker of this file's own (the shared one must not be killed): SIGKILLed and started again, it
// still has what was acknowledged before, on the same address.
function runDedicated() {
  const test = suite('Kafka broker (dedicated): kill and restart');
  let own;
  const clients = [];
  const topic = uniqueName('restart');

  test.before(async () => {
    own = await startKafkaServer({ dedicated: true });
  });

  test.after(async () => {
    for (const c of clients.reverse()) await c.close().catch(() => {});
    await own?.stop();
  });

  test('messages acknowledged before a SIGKILL of the broker are there after its restart', async () => {
    assert.is(own.shared, false);
    assert.is.not(own.bootstrap, process.env.KAFKA_BOOTSTRAP);
    const bootstrapBrokers = [own.bootstrap];
    const admin = new Admin({ clientId: 'restart-admin', bootstrapBrokers, timeout: 10_000 });
    await within(20_000, admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 }), 'createTopics');
    await within(
      20_000,
      (async () => {
        for (;;) {
          const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
          if (metadata.topics.get(topic)?.partitions[0]?.leader >= 0) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      'waiting for the partition leader',
    );
    const producer = new Producer({ clientId: 'restart-producer', bootstrapBrokers, acks: ProduceAcks.ALL, timeout: 10_000 });
    await within(
      20_000,
      producer.send({ messages: [1, 2, 3].map((i) => ({ topic, partition: 0, key: b(`k${i}`), value: b(`v${i}`) })) }),
      'producer.send',
    );
    await producer.close();
    await admin.close();

    const before = own.bootstrap;
    await own.kill();
    await own.restart();
    assert.is(own.bootstrap, before, 'the restarted broker is on the same address');

    const consumer = new Consumer({ clientId: 'restart-consumer', groupId: uniqueName('restart'), bootstrapBrokers, maxWaitTime: 500, timeout: 10_000 });
    clients.push(consumer);
    const stream = await within(60_000, consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false }), 'joining after the restart');
    const messages = await take(stream, 3, 60_000, 'consuming after the restart');
    assert.equal(
      messages.map((m) => [m.offset, text(m.key), text(m.value)]),
      [
        [0n, 'k1', 'v1'],
        [1n, 'k2', 'v2'],
        [2n, 'k3', 'v3'],
      ],
    );
  });

  test.run();
}
