// State conformance suite, part: stores and the manager (§9). Registered by stateSuite (state-suite.mjs),
// which builds `scenario` for the backend under test.
import {
  changelogTopicName, STORES, PartitionTransactionStatus,
} from 'streamstate';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { commit, contents, rejection } from './support.mjs';

const { STARTED, PREPARED, COMPLETE, FAILED } = PartitionTransactionStatus;

/** Registers this part: `test` and `assert` as in stateSuite, `scenario` built by it. */
export function stateManager(test, assert, scenario) {
  // ---- §9 stores and the manager ------------------------------------------------------------------

  scenario('§9.2 registerStore is idempotent; getStore of an unknown store throws StoreNotRegisteredError', async ({ manager }) => {
    const m = manager();
    const store = m.registerStore('topic');
    assert.is(m.registerStore('topic'), store);
    assert.is(m.registerStore('topic', 'default'), store);
    assert.is(m.getStore('topic'), store);
    assert.is(store.name, 'default');
    assert.is(store.streamId, 'topic');
    const error = await rejection(assert, () => m.getStore('topic', 'nope'));
    assert.is(error.code, 'STORE_NOT_REGISTERED');
    assert.ok(/Store "nope" \(stream_id "topic"\) is not registered/.test(error.message));
  });

  scenario('§9.2 store names and stream ids must be able to name a directory', async ({ manager }) => {
    const m = manager();
    for (const [stream, name] of [['topic', ''], ['topic', '../escape'], ['topic', 'a/b'], ['a\\b', 'default'], ['..', 'default'], ['topic', 'x\0y']]) {
      const error = await rejection(assert, () => m.registerStore(stream, name), `${stream}/${name}`);
      assert.is(error.code, 'INVALID_STORE_NAME', `${stream}/${name}`);
    }
    assert.is(m.stores.size, 0);
  });

  scenario('§9.2 onPartitionAssign opens every store of the stream; onPartitionRevoke closes them', async ({ manager }) => {
    const m = manager();
    m.registerStore('topic', 'a');
    m.registerStore('topic', 'b');
    m.registerStore('other', 'c');
    assert.equal(await m.onPartitionAssign('nothing', 0), {});
    const assigned = await m.onPartitionAssign('topic', 1);
    assert.equal(Object.keys(assigned).sort(), ['a', 'b']);
    assert.is(m.getStore('topic', 'a').partitions.get(1), assigned.a);
    assert.is(m.getStore('other', 'c').partitions.size, 0);
    assert.is(await m.getStore('topic', 'a').assignPartition(1), assigned.a, 'assigning again returns the same partition');
    await m.onPartitionRevoke('topic', 1);
    assert.is(assigned.a.closed, true);
    assert.is(m.getStore('topic', 'b').partitions.size, 0);
    assert.is((await rejection(assert, () => assigned.a.begin())).code, 'PARTITION_CLOSED');
  });

  scenario('§9.1 startPartitionTransaction on an unassigned partition throws PartitionNotAssignedError', async ({ manager }) => {
    const store = manager().registerStore('topic', 'counts');
    const error = await rejection(assert, () => store.startPartitionTransaction(4));
    assert.is(error.code, 'PARTITION_NOT_ASSIGNED');
    assert.ok(/Store partition "counts\[4\]" \(stream "topic"\) is not assigned/.test(error.message), error.message);
    await store.assignPartition(4);
    assert.is(store.startPartitionTransaction(4).status, STARTED);
    assert.is((await rejection(assert, () => store.assignPartition(-1))).code, 'STATE_INVALID_ARGUMENT');
  });

  scenario('§9.2 clearStores refuses while partitions are assigned, then deletes all state', async ({ manager }) => {
    const m = manager({ groupId: 'g' });
    const store = m.registerStore('topic');
    await commit(await store.assignPartition(0), (tx) => tx.asState().set('k', 1));
    const error = await rejection(assert, () => m.clearStores());
    assert.is(error.code, 'PARTITION_STORE_IS_USED');
    assert.ok(/Cannot clear stores with active partitions assigned/.test(error.message));
    await m.close();
    await m.clearStores();
    const reopened = await store.assignPartition(0);
    assert.equal(await contents(reopened), []);
  });

  scenario('§9.2 destroyPartitionState deletes one partition of every store of the stream', async ({ manager }) => {
    const m = manager();
    m.registerStore('topic', 'a');
    m.registerStore('topic', 'b');
    const parts = await m.onPartitionAssign('topic', 0);
    await commit(parts.a, (tx) => tx.asState().set('k', 1));
    await commit(parts.b, (tx) => tx.asState().set('k', 2));
    const other = await m.getStore('topic', 'a').assignPartition(1);
    await commit(other, (tx) => tx.asState().set('k', 3));
    assert.equal((await m.destroyPartitionState('topic', 0)).sort(), ['a', 'b']);
    assert.is(m.getStore('topic', 'a').partitions.has(0), false, 'revoked first');
    const again = await m.onPartitionAssign('topic', 0);
    assert.equal(await contents(again.a), []);
    assert.equal(await contents(other), [['"k"', '3']]);
  });

  scenario('§9.2 init creates the state directory, and refuses a path that is a file', async ({ env, manager }) => {
    if (!STORES[env.backend].storeBackend.localDirectory) return;
    const { writeFile, stat } = await import('node:fs/promises');
    const m = manager({ groupId: 'g' });
    await m.init();
    assert.ok((await stat(m.stateDir)).isDirectory());
    await writeFile(`${m.stateDir}/file`, 'x');
    const blocked = manager({ stateDir: `${m.stateDir}/file`, groupId: undefined });
    const error = await rejection(assert, () => blocked.init());
    assert.is(error.code, 'STATE_DIR_NOT_A_DIRECTORY');
  });

  scenario('§9.2 every store comes from the backends × kinds table; a name is registered once, whatever its kind', async ({ env, manager }) => {
    const m = manager();
    for (const [kind, register] of [
      ['windowed', () => m.registerWindowedStore('topic', 'tumbling_window_60000_sum')],
      ['timestamped', () => m.registerTimestampedStore('topic', 'join', { graceMs: 0, keepDuplicates: false })],
    ]) {
      assert.is(register().constructor, STORES[env.backend][kind], kind);
      assert.is((await rejection(assert, register, kind)).code, 'STORE_ALREADY_REGISTERED', kind);
    }
    assert.is(m.registerStore('topic', 'plain').constructor, STORES[env.backend].plain);
    assert.is((await rejection(assert, () => m.registerWindowedStore('topic', 'plain'))).code, 'STORE_ALREADY_REGISTERED');
  });

  scenario('§9.2 stores get a changelog producer bound to their topic; changelog: false opts out', async ({ manager }) => {
    const changelog = new MemoryChangelog();
    const m = manager({ groupId: 'grp', changelogProducerFactory: changelog.factory });
    assert.is(m.usingChangelogs, true);
    const store = m.registerStore('topic', 'counts');
    const quiet = m.registerStore('topic', 'scratch', { changelog: false });
    assert.equal(changelog.bound.map((topic) => topic.name), ['changelog__grp--topic--counts']);
    assert.is(store.changelogProducerFactory.changelogName, 'changelog__grp--topic--counts');
    assert.is(quiet.changelogProducerFactory, undefined);
    const p = await store.assignPartition(2);
    assert.equal([p.changelogProducer.changelogName, p.changelogProducer.partition], ['changelog__grp--topic--counts', 2]);
  });

  test('§10.1 changelog topic names', async () => {
    assert.is(changelogTopicName('v4', 'test-topic', 'tumbling_window_60000_sum'), 'changelog__v4--test-topic--tumbling_window_60000_sum');
    assert.is(changelogTopicName('grp', null, 'source-x'), 'changelog__grp--source-x');
    assert.is(changelogTopicName('grp', 'repartition__grp--topic--groupby--col', 'default'), 'changelog__grp--repartition.topic.groupby.col--default');
  });

  scenario('§9.2 close revokes every partition; the manager can assign again afterwards', async ({ manager }) => {
    const m = manager();
    m.registerStore('topic');
    const { default: p } = await m.onPartitionAssign('topic', 0);
    await m.close();
    assert.is(p.closed, true);
    assert.is(m.getStore('topic').partitions.size, 0);
    const { default: again } = await m.onPartitionAssign('topic', 0);
    assert.is(again.closed, false);
  });
}
