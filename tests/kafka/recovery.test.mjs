// Recovery on a recorded changelog, on the real broker: a changelog topic written message by
// message with every case of the apply/skip rule (processed offsets committed, not committed, absent,
// empty, naming another topic; puts, an empty value, a tombstone), replayed by RecoveryManager into
// an empty partition of every backend; then the stored-offset cases: current state (nothing to
// replay, the last message re-applied when there is a tail), an offset past the changelog's end, and
// a partition revoked mid-recovery that resumes where it stopped.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryBackend, RecoveryManager, StateStoreManager, connectKafka, silentLogger } from 'streamstate';
import { bytes, text } from '../conformance/support.mjs';
import { skipLoudly, startKafkaServer, uniqueName } from '../helpers/kafka-server.mjs';

const server = await startKafkaServer();
if (server === undefined) skipLoudly(suite, 'Recovery from a recorded changelog');
else await run(server.bootstrap);

const header = (processed) => [
  ['__column_family__', bytes('default')],
  ...(processed === undefined ? [] : [['__processed_tp_offsets__', bytes(JSON.stringify(processed))]]),
];

// The recorded changelog; committed source offsets are { src: 10 }.
const COMMITTED = { src: 10 };
const RECORDED = [
  { key: 'a', value: '1', processed: { src: 3 }, outcome: 'applied' }, // 3 < 10
  { key: 'b', value: '2', processed: undefined, outcome: 'applied' }, // no header (older format): applied
  { key: 'a', value: '5', processed: { src: 12 }, outcome: 'skipped' }, // 12 >= 10: its source was never committed
  { key: 'c', value: '7', processed: {}, outcome: 'applied' }, // an empty object applies
  { key: 'b', value: null, processed: { src: 9 }, outcome: 'applied' }, // a tombstone deletes b
  { key: 'd', value: '8', processed: { other: 1 }, outcome: 'skipped' }, // a topic with no committed offset: skipped
  { key: 'e', value: '', processed: { src: 9, other: 0 }, outcome: 'skipped' }, // every topic must be committed
  { key: 'f', value: '', processed: { src: 0 }, outcome: 'applied' }, // an empty value is a value
];

async function run(bootstrap) {
  const kafka = await connectKafka({ brokers: bootstrap });
  const test = suite('Recovery from a recorded changelog (real broker)');
  const backends = ['memory', 'rocksdb', 'slatedb'];
  let stateRoot;
  const reader = kafka.partitionReader();
  const admin = kafka.admin();
  test.before(async () => {
    stateRoot = await mkdtemp(path.join(tmpdir(), 'streamstate-recovery-'));
  });
  test.after(async () => {
    await reader.close();
    await admin.close();
    await rm(stateRoot, { recursive: true, force: true });
  });

  async function changelogTopic(messages) {
    const name = uniqueName('changelog__g--src--default');
    const admin = kafka.admin();
    await admin.createTopics([{ name, partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }]);
    await admin.close();
    const producer = kafka.producer();
    // In sends of 50: each is a batch of its own, so a small read size means many reads.
    for (let i = 0; i < messages.length; i += 50) {
      await producer.send(
        messages.slice(i, i + 50).map((m) => ({ topic: name, partition: 0, key: bytes(m.key), value: m.value === null ? null : bytes(m.value), headers: header(m.processed) })),
      );
    }
    await producer.close();
    return name;
  }

  function manager(backend) {
    return new StateStoreManager({
      stateDir: path.join(stateRoot, backend),
      groupId: 'g',
      backend,
      ...(backend === 'memory' ? { backendInstance: new MemoryBackend() } : {}),
    });
  }

  function recoveryManager() {
    return new RecoveryManager({ reader, admin, logger: silentLogger, readBytes: 256 });
  }

  for (const backend of backends) {
    test(`${backend}: every message applied or skipped as the rule says, the stored offset advanced to the last`, async () => {
      const changelog = await changelogTopic(RECORDED);
      const states = manager(backend);
      states.registerStore('src', 'default');
      const { default: partition } = await states.onPartitionAssign('src', 0);
      const recovery = recoveryManager();
      await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
      assert.ok(recovery.pending, 'an empty partition with a non-empty changelog needs recovery');
      assert.ok(await recovery.recover(), 'recovery completes');
      const [report] = recovery.takeReports();
      assert.equal(
        { applied: report.applied, skipped: report.skipped, fromOffset: report.fromOffset, toOffset: report.toOffset },
        {
          applied: RECORDED.filter((m) => m.outcome === 'applied').length,
          skipped: RECORDED.filter((m) => m.outcome === 'skipped').length,
          fromOffset: -2,
          toOffset: RECORDED.length,
        },
      );
      assert.is(text(await partition.get(bytes('a'))), '1', 'a: the committed put, not the uncommitted one after it');
      assert.is(await partition.get(bytes('b')), undefined, 'b: deleted by the tombstone');
      assert.is(text(await partition.get(bytes('c'))), '7', 'c: applied with empty processed offsets');
      assert.is(await partition.get(bytes('d')), undefined, 'd: skipped (its topic has no committed offset)');
      assert.is(await partition.get(bytes('e')), undefined, 'e: skipped (one of its topics is not committed)');
      assert.is(text(await partition.get(bytes('f'))), '', 'f: an empty value is stored, not a delete');
      assert.is(await partition.getChangelogOffset(), RECORDED.length - 1, 'the stored offset is the last message, applied or not');

      // Assigned again: the state is current, nothing to replay.
      await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
      assert.not.ok(recovery.pending, 'nothing to replay when the stored offset is the changelog\'s last');
      const [current] = recovery.takeReports();
      assert.equal([current.applied + current.skipped, current.fromOffset], [0, RECORDED.length - 1]);

      // A tail appears: replay starts AT the stored offset (the last applied message again) and goes to the end.
      const producer = kafka.producer();
      await producer.send([{ topic: changelog, partition: 0, key: bytes('g'), value: bytes('9'), headers: header({ src: 4 }) }]);
      await producer.close();
      await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
      await recovery.recover();
      const [tail] = recovery.takeReports();
      assert.equal([tail.applied + tail.skipped, tail.fromOffset, tail.toOffset], [2, RECORDED.length - 1, RECORDED.length + 1]);
      assert.is(text(await partition.get(bytes('g'))), '9');
      assert.is(text(await partition.get(bytes('f'))), '', 'the re-applied last message changed nothing');
      await states.close();
    });
  }

  test('a stored offset at or past the changelog end is INVALID_STORE_CHANGELOG_OFFSET', async () => {
    const changelog = await changelogTopic(RECORDED.slice(0, 3));
    const states = manager('memory');
    states.registerStore('src', 'default');
    const { default: partition } = await states.onPartitionAssign('src', 0);
    await partition.writeChangelogOffset(3);
    const recovery = recoveryManager();
    try {
      await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
      assert.unreachable('assign should have thrown');
    } catch (error) {
      assert.is(error.code, 'INVALID_STORE_CHANGELOG_OFFSET');
      assert.match(error.message, /greater than or equal to its changelog's highwater \(3\)/);
    }
    await states.close();
  });

  test('revoked mid-recovery: what was applied stays, and the next recovery resumes from the stored offset', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => ({ key: `k${i % 700}`, value: String(i), processed: { src: 1 } }));
    const changelog = await changelogTopic(many);
    const states = manager('memory');
    states.registerStore('src', 'default');
    const { default: partition } = await states.onPartitionAssign('src', 0);
    const recovery = new RecoveryManager({ reader, admin, logger: silentLogger, readBytes: 4096 });
    await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
    let reads = 0;
    assert.not.ok(await recovery.recover(() => ++reads > 3), 'an interrupted recovery returns false');
    recovery.revoke(0);
    assert.not.ok(recovery.pending, 'a revoked partition is no longer recovered');
    const stopped = await partition.getChangelogOffset();
    assert.ok(stopped > 0 && stopped < many.length - 1, `recovery stopped part way (stored offset ${stopped})`);
    await recovery.assign(0, [{ storePartition: partition, changelog }], COMMITTED);
    assert.ok(await recovery.recover());
    const [resumed] = recovery.takeReports();
    assert.is(resumed.fromOffset, stopped, 'the second recovery starts at the stored offset');
    assert.is(resumed.applied, many.length - stopped, 'and replays only what is left (the last applied message again)');
    for (const i of [0, 699, 2_999 - 700, 2_999]) {
      assert.is(text(await partition.get(bytes(`k${i % 700}`))), String(Math.max(...many.map((m, j) => (m.key === `k${i % 700}` ? j : -1)))));
    }
    await states.close();
  });

  test.run();
}
