// State conformance suite, part: recovery at partition level (§10) and the error hierarchy (§12). Registered by stateSuite (state-suite.mjs),
// which builds `scenario` for the backend under test.
import {
  ColumnFamilyHeaderMissing, DEFAULT_PREFIX, dumps, serializeValue, StateError,
  StateSerializationError, StreamstateError,
} from 'streamstate';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { bytes, commit, contents, rejection, text } from './support.mjs';

/** Registers this part: `test` and `assert` as in stateSuite, `scenario` built by it. */
export function stateRecovery(test, assert, scenario) {
  // ---- §10 recovery at partition level ----------------------------------------------------------

  scenario('§10.3 replaying one store\'s changelog into an empty partition rebuilds the same data', async ({ manager }) => {
    const changelog = new MemoryChangelog();
    const source = manager({ groupId: 'source', changelogProducerFactory: changelog.factory });
    const store = source.registerStore('topic');
    const p = await store.assignPartition(0);
    const topic = changelog.bound[0].name;
    for (let round = 0; round < 3; round++) {
      const tx = p.begin();
      const state = tx.asState(bytes(`key-${round % 2}`));
      state.set('count', round);
      state.set(`seen-${round}`, [round]);
      if (round === 2) state.delete('seen-0');
      tx.set('n', round, DEFAULT_PREFIX, '__values__');
      await tx.prepare({ topic: round });
      await tx.flush(changelog.lastOffset(topic, 0));
    }
    const target = manager({ groupId: 'target' });
    const rebuilt = await target.registerStore('topic').assignPartition(0);
    for (const message of changelog.messages(topic, 0)) {
      assert.is(await rebuilt.recoverFromChangelogMessage(message, { topic: 10 }), 'applied');
    }
    assert.equal(await contents(rebuilt), await contents(p));
    assert.equal(await contents(rebuilt, '__values__'), await contents(p, '__values__'));
    assert.is(await rebuilt.getChangelogOffset(), await p.getChangelogOffset());
    assert.equal(await contents(rebuilt), [
      ['key-0|"count"', '2'],
      ['key-0|"seen-2"', '[2]'],
      ['key-1|"count"', '1'],
      ['key-1|"seen-1"', '[1]'],
    ], 'the last value of each key, without the deleted seen-0');
  });

  scenario('§10.3 recovering a batch of messages gives the same result as one by one, in one write', async ({ partition }) => {
    const headers = (cf, processed) => ({ __column_family__: bytes(cf), ...(processed ? { __processed_tp_offsets__: bytes(processed) } : {}) });
    const messages = [
      { key: bytes('a'), value: bytes('1'), headers: headers('default'), offset: 10 },
      { key: bytes('b'), value: bytes('2'), headers: headers('default', '{"t":5}'), offset: 11 },
      { key: bytes('a'), value: null, headers: headers('default'), offset: 12 },
      { key: bytes('c'), value: bytes('3'), headers: headers('__values__', '{"t":1}'), offset: 13 },
      { key: bytes('a'), value: bytes('4'), headers: headers('default'), offset: 14 },
    ];
    const committed = { t: 3 };
    const { partition: one } = await partition({}, { partition: 0 });
    const { partition: batch } = await partition({}, { partition: 1 });
    const outcomes = [];
    for (const message of messages) outcomes.push(await one.recoverFromChangelogMessage(message, committed));
    assert.equal(await batch.recoverFromChangelogMessages(messages, committed), outcomes);
    assert.equal(outcomes, ['applied', 'skipped', 'applied', 'applied', 'applied']);
    assert.equal(await contents(batch), await contents(one));
    assert.equal(await contents(batch, '__values__'), await contents(one, '__values__'));
    assert.is(await batch.getChangelogOffset(), 14);
    const malformed = [{ key: bytes('z'), value: bytes('9'), headers: headers('default'), offset: 15 }, { key: bytes('y'), value: bytes('9'), headers: {}, offset: 16 }];
    assert.ok((await rejection(assert, () => batch.recoverFromChangelogMessages(malformed, committed))) instanceof ColumnFamilyHeaderMissing);
    assert.equal(await contents(batch), await contents(one), 'nothing of a malformed batch is written');
    assert.is(await batch.getChangelogOffset(), 14);
  });

  scenario('§10.3 batches recovered with { durable: false } read back at once; sync() makes them durable; close keeps them', async ({ manager }) => {
    const headers = { __column_family__: bytes('default') };
    const first = manager({ groupId: 'g' });
    const store = first.registerStore('topic');
    const p = await store.assignPartition(0);
    const message = (key, value, offset) => ({ key: bytes(key), value: value === null ? null : bytes(value), headers, offset });
    assert.equal(await p.recoverFromChangelogMessages([message('a', '1', 0), message('b', '2', 1)], {}, { durable: false }), ['applied', 'applied']);
    assert.equal(await p.recoverFromChangelogMessages([message('a', null, 2), message('c', '3', 3)], {}, { durable: false }), ['applied', 'applied']);
    assert.equal(await contents(p), [['b', '2'], ['c', '3']], 'visible before any durable point');
    assert.is(await p.getChangelogOffset(), 3);
    await p.sync();
    await p.recoverFromChangelogMessages([message('d', '4', 4)], {}, { durable: false });
    await first.close();
    const error = await rejection(assert, () => p.sync());
    assert.is(error.code, 'PARTITION_CLOSED', String(error));
    const second = manager({ groupId: 'g' });
    second.registerStore('topic');
    const { default: reopened } = await second.onPartitionAssign('topic', 0);
    assert.equal(await contents(reopened), [['b', '2'], ['c', '3'], ['d', '4']], 'a batch written after the durable point is kept by close');
    assert.is(await reopened.getChangelogOffset(), 4);
  });

  scenario('§10.3 a message without a __column_family__ header is refused and nothing is written', async ({ partition }) => {
    const { partition: p } = await partition();
    for (const headers of [{}, { __column_family__: bytes('') }, { __column_family__: null }, []]) {
      const error = await rejection(assert, () => p.recoverFromChangelogMessage({ key: bytes('k'), value: bytes('1'), headers, offset: 1 }, {}));
      assert.ok(error instanceof ColumnFamilyHeaderMissing, String(error));
      assert.is(error.code, 'COLUMN_FAMILY_HEADER_MISSING');
      assert.ok(/Header '__column_family__' missing from changelog message/.test(error.message));
    }
    assert.equal(await contents(p), []);
    assert.is(await p.getChangelogOffset(), undefined);
  });

  scenario('§10.3 apply or skip by processed offsets; skipped messages still advance the offset', async ({ partition }) => {
    const { partition: p } = await partition();
    const message = (offset, processed, key = `k${offset}`) => ({
      key: bytes(key),
      value: bytes(String(offset)),
      headers: processed === undefined ? { __column_family__: 'default' } : [['__column_family__', 'default'], ['__processed_tp_offsets__', processed]],
      offset,
    });
    const committed = new Map([['a', 10], ['b', 5]]);
    const cases = [
      [message(0, undefined), 'applied', 'no header'],
      [message(1, 'null'), 'applied', 'null'],
      [message(2, '{}'), 'applied', 'an empty object'],
      [message(3, '{"a":9,"b":4}'), 'applied', 'all below committed'],
      [message(4, '{"a":10}'), 'skipped', 'at the committed offset'],
      [message(5, '{"a":9,"b":5}'), 'skipped', 'one topic not committed'],
      [message(6, '{"a":-1001}', 'k-invalid'), 'applied', 'far below'],
    ];
    for (const [msg, expected, why] of cases) {
      assert.is(await p.recoverFromChangelogMessage(msg, committed), expected, why);
      assert.is(await p.getChangelogOffset(), msg.offset, `${why}: offset advanced`);
    }
    assert.equal((await contents(p)).map(([key]) => key), ['k-invalid', 'k0', 'k1', 'k2', 'k3']);
    const nothingCommitted = message(7, '{"a":0}');
    assert.is(await p.recoverFromChangelogMessage(nothingCommitted, { a: -1001 }), 'skipped', 'no commit for the group');
  });

  scenario('§10.3 malformed changelog messages are refused before anything is written', async ({ partition }) => {
    const { partition: p } = await partition();
    const headers = { __column_family__: bytes('default') };
    const bad = [
      { key: 'text', value: bytes('1'), headers, offset: 0 },
      { key: bytes('k'), value: 'text', headers, offset: 0 },
      { key: bytes('k'), value: bytes('1'), headers, offset: -1 },
      { key: bytes('k'), value: bytes('1'), headers, offset: 1.5 },
      { key: bytes('k'), value: bytes('1'), headers: { ...headers, __processed_tp_offsets__: bytes('[1]') }, offset: 0 },
      { key: bytes('k'), value: bytes('1'), headers: { ...headers, __processed_tp_offsets__: bytes('{"a":"x"}') }, offset: 0 },
      { key: bytes('k'), value: bytes('1'), headers: { __column_family__: bytes('bad name') }, offset: 0 },
    ];
    for (const message of bad) {
      const error = await rejection(assert, () => p.recoverFromChangelogMessage(message, {}), JSON.stringify(message.offset));
      assert.is(error.code, 'INVALID_CHANGELOG_MESSAGE', error.message);
    }
    assert.equal(await contents(p), []);
    assert.is(await p.getChangelogOffset(), undefined);
  });

  // ---- §12 errors ---------------------------------------------------------------------------------

  test('§12 errors form one hierarchy with stable codes', async () => {
    const serialization = await rejection(assert, () => serializeValue(2n ** 64n, dumps));
    assert.ok(serialization instanceof StateSerializationError);
    assert.ok(serialization instanceof StateError);
    assert.ok(serialization instanceof StreamstateError);
    assert.is(serialization.name, 'StateSerializationError');
    assert.ok(serialization.cause instanceof TypeError, 'the serializer error is the cause');
  });
}
