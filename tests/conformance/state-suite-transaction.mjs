// State conformance suite, part: the transaction (§4) and the fixed reference quirks. Registered by stateSuite (state-suite.mjs),
// which builds `scenario` for the backend under test.
import {
  CHANGELOG_OFFSET_KEY, DEFAULT_PREFIX, decodeIntegerPair, encodeIntegerPair,
  GLOBAL_COUNTER_CF_NAME, InvalidChangelogOffset, METADATA_CF_NAME, StateError,
  StateSerializationError, StateStoreManager, StateTransactionError, withTransaction,
  PartitionTransactionStatus,
} from 'streamstate';
// Internal format constants, not part of the public API: read from the build directly.
import { TTL_INDEX_CF_NAME } from '../../dist/state/constants.js';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { bytes, commit, contents, rejection, text } from './support.mjs';

const { STARTED, PREPARED, COMPLETE, FAILED } = PartitionTransactionStatus;

/** Registers this part: `test` and `assert` as in stateSuite, `scenario` built by it. */
export function stateTransaction(test, assert, scenario) {
  // ---- §4 the transaction -------------------------------------------------------------------------

  scenario('§4.3 reads see the transaction\'s own writes first, then the database', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => {
      tx.set('stored', 1, DEFAULT_PREFIX);
      tx.set('overwritten', 1, DEFAULT_PREFIX);
    });
    const tx = p.begin();
    tx.set('overwritten', 2, DEFAULT_PREFIX);
    tx.set('fresh', 3, DEFAULT_PREFIX);
    assert.is(await tx.get('stored', DEFAULT_PREFIX), 1);
    assert.is(await tx.get('overwritten', DEFAULT_PREFIX), 2);
    assert.is(await tx.get('fresh', DEFAULT_PREFIX), 3);
    assert.is(await tx.get('missing', DEFAULT_PREFIX), undefined);
    assert.is(await tx.get('missing', DEFAULT_PREFIX, 'fallback'), 'fallback');
    assert.equal(await tx.getMany(['stored', 'overwritten', 'fresh', 'missing'], DEFAULT_PREFIX, 0), [1, 2, 3, 0]);
  });

  scenario('§4.3 a key deleted in the transaction reads as missing even though it is stored', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.set('k', 'v', DEFAULT_PREFIX));
    const tx = p.begin();
    tx.delete('k', DEFAULT_PREFIX);
    assert.is(await tx.get('k', DEFAULT_PREFIX, 'gone'), 'gone');
    assert.is(await tx.exists('k', DEFAULT_PREFIX), false);
    assert.equal(await tx.getMany(['k'], DEFAULT_PREFIX), [undefined]);
    tx.set('k', 'back', DEFAULT_PREFIX);
    assert.is(await tx.get('k', DEFAULT_PREFIX), 'back');
  });

  scenario('§4.3 a stored null is present: get returns null, not the default, and exists is true', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.set('n', null, DEFAULT_PREFIX));
    const tx = p.begin();
    assert.is(await tx.get('n', DEFAULT_PREFIX, 'default'), null);
    assert.is(await tx.exists('n', DEFAULT_PREFIX), true);
  });

  scenario('§4.2 prefixes isolate keys', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    const a = tx.asState(bytes('a'));
    const b = tx.asState(bytes('b'));
    a.set('k', 'in a');
    assert.is(await b.get('k'), undefined);
    b.set('k', 'in b');
    b.delete('k');
    assert.is(await a.get('k'), 'in a');
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(p), [['a|"k"', '"in a"']]);
  });

  scenario('§4.6 prepare produces each change once, with the column family and processed offsets headers', async ({ partition }) => {
    const changelog = new MemoryChangelog();
    const { partition: p } = await partition({ changelogProducerFactory: changelog.factory });
    await commit(p, (tx) => tx.set('old', 1, DEFAULT_PREFIX));
    changelog.messages(changelog.bound[0].name, 0).length = 0;
    const tx = p.begin();
    const state = tx.asState(bytes('p'));
    state.set('a', 1);
    state.set('b', 2);
    state.set('gone', 3);
    state.delete('gone');
    tx.delete('old', DEFAULT_PREFIX);
    tx.set('k', 'counter-cf', DEFAULT_PREFIX, GLOBAL_COUNTER_CF_NAME);
    await tx.prepare({ topic: 41 });
    assert.is(tx.status, PREPARED);
    const produced = changelog.messages(changelog.bound[0].name, 0).map((m) => [
      text(m.key),
      m.value === null ? null : text(m.value),
      text(m.headers.__column_family__),
      text(m.headers.__processed_tp_offsets__),
    ]);
    assert.equal(
      produced.filter(([, , cf]) => cf === 'default'),
      [
        ['p|"a"', '1', 'default', '{"topic":41}'],
        ['p|"b"', '2', 'default', '{"topic":41}'],
        ['p|"gone"', null, 'default', '{"topic":41}'],
        ['"old"', null, 'default', '{"topic":41}'],
      ],
      'updates in insertion order, then deletes; a set then deleted key only as a delete',
    );
    assert.equal(
      produced.filter(([, , cf]) => cf !== 'default'),
      [['"k"', '"counter-cf"', '__global-counter__', '{"topic":41}']],
    );
    await tx.flush(changelog.lastOffset(changelog.bound[0].name, 0));
    assert.equal(await contents(p), [['p|"a"', '1'], ['p|"b"', '2']]);
  });

  scenario('§4.6 without processed offsets the header is null; without a changelog nothing is produced', async ({ partition }) => {
    const changelog = new MemoryChangelog();
    const { partition: withChangelog } = await partition({ changelogProducerFactory: changelog.factory });
    const tx = withChangelog.begin();
    tx.set('k', 1, DEFAULT_PREFIX);
    await tx.prepare();
    const [message] = changelog.messages(changelog.bound[0].name, 0);
    assert.is(text(message.headers.__processed_tp_offsets__), 'null');
    assert.equal(tx.changelogTopicPartition, [changelog.bound[0].name, 0]);

    const { partition: without } = await partition({}, { streamId: 'other' });
    const plain = without.begin();
    assert.is(plain.changelogTopicPartition, undefined);
    plain.set('k', 1, DEFAULT_PREFIX);
    await plain.prepare({ other: 1 });
    assert.is(plain.status, PREPARED);
  });

  scenario('§4.6 a producer that fails makes prepare() fail: FAILED, nothing written', async ({ partition }) => {
    const failing = (topic) => ({
      changelogName: topic.name,
      getPartitionProducer: (n) => ({
        changelogName: topic.name,
        partition: n,
        produce: async () => {
          throw new Error('broker unavailable');
        },
      }),
    });
    const { partition: p } = await partition({ changelogProducerFactory: failing });
    const tx = p.begin();
    tx.set('k', 1, DEFAULT_PREFIX);
    const error = await rejection(assert, () => tx.prepare({ topic: 1 }));
    assert.is(error.message, 'broker unavailable');
    assert.is(tx.status, FAILED);
    assert.ok((await rejection(assert, () => tx.flush(0))) instanceof StateTransactionError);
    assert.equal(await contents(p), []);
  });

  scenario('§4.7 the cache cannot change while flush() writes it', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    tx.set('a', 1, DEFAULT_PREFIX);
    const flushing = tx.flush();
    const error = await rejection(assert, () => tx.set('b', 2, DEFAULT_PREFIX));
    assert.ok(error instanceof StateTransactionError);
    assert.ok(/while flush\(\) is in progress/.test(error.message), error.message);
    await flushing;
    assert.is(tx.status, COMPLETE);
    assert.equal(await contents(p), [['"a"', '1']]);
  });

  scenario('§4.7 flush writes every change and the changelog offset in one batch, then COMPLETE', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    tx.set('a', 1, DEFAULT_PREFIX);
    tx.set('b', 2, DEFAULT_PREFIX, '__values__');
    await tx.flush(7);
    assert.is(tx.status, COMPLETE);
    assert.is(tx.completed, true);
    assert.equal(await contents(p), [['"a"', '1']]);
    assert.equal(await contents(p, '__values__'), [['"b"', '2']]);
    assert.is(await p.getChangelogOffset(), 7);
  });

  scenario('§4.7 an empty transaction writes nothing, not even the changelog offset', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.set('a', 1, DEFAULT_PREFIX), 3);
    const tx = p.begin();
    await tx.get('a', DEFAULT_PREFIX);
    await tx.prepare();
    await tx.flush(10);
    assert.is(tx.status, COMPLETE);
    assert.is(await p.getChangelogOffset(), 3);
  });

  scenario('§4.7 a lower changelog offset is refused: InvalidChangelogOffset, FAILED, nothing written', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.set('a', 1, DEFAULT_PREFIX), 10);
    const tx = p.begin();
    tx.set('a', 2, DEFAULT_PREFIX);
    tx.set('b', 2, DEFAULT_PREFIX);
    await tx.prepare();
    const error = await rejection(assert, () => tx.flush(9));
    assert.ok(error instanceof InvalidChangelogOffset);
    assert.ok(error instanceof StateError);
    assert.is(error.code, 'INVALID_CHANGELOG_OFFSET');
    assert.ok(/lower than already saved one/.test(error.message), error.message);
    assert.is(tx.status, FAILED);
    assert.equal(await contents(p), [['"a"', '1']], 'stored data unchanged');
    assert.is(await p.getChangelogOffset(), 10);
    await commit(p, (next) => next.set('a', 3, DEFAULT_PREFIX), 10);
    assert.equal(await contents(p), [['"a"', '3']], 'an equal offset is allowed');
    const bad = p.begin();
    bad.set('a', 4, DEFAULT_PREFIX);
    assert.is((await rejection(assert, () => bad.flush(-1))).code, 'STATE_INVALID_ARGUMENT');
    assert.is(bad.status, STARTED, 'a malformed offset changes nothing');
  });

  scenario('§4.1 status machine: STARTED → PREPARED → COMPLETE, or flush straight from STARTED', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    assert.is(tx.status, STARTED);
    tx.set('k', 1, DEFAULT_PREFIX);
    await tx.prepare();
    assert.is(tx.status, PREPARED);
    assert.is(tx.prepared, true);
    await tx.flush();
    assert.is(tx.status, COMPLETE);
    const direct = p.begin();
    direct.set('k', 2, DEFAULT_PREFIX);
    await direct.flush();
    assert.is(direct.status, COMPLETE);
    assert.equal(await contents(p), [['"k"', '2']]);
  });

  scenario('§4.1 status checks apply to every method: nothing is allowed after COMPLETE or FAILED', async ({ partition }) => {
    const { partition: p } = await partition();
    const complete = p.begin();
    await complete.flush();
    const failed = p.begin();
    await rejection(assert, () => failed.set('k', 2n ** 64n, DEFAULT_PREFIX));
    assert.is(failed.status, FAILED);
    const prepared = p.begin();
    await prepared.prepare();
    const calls = {
      get: (tx) => tx.get('k', DEFAULT_PREFIX),
      getMany: (tx) => tx.getMany(['k'], DEFAULT_PREFIX),
      getBytes: (tx) => tx.getBytes('k', DEFAULT_PREFIX),
      exists: (tx) => tx.exists('k', DEFAULT_PREFIX),
      set: (tx) => tx.set('k', 1, DEFAULT_PREFIX),
      setBytes: (tx) => tx.setBytes('k', bytes('1'), DEFAULT_PREFIX),
      delete: (tx) => tx.delete('k', DEFAULT_PREFIX),
      asState: (tx) => tx.asState('p'),
      prepare: (tx) => tx.prepare(),
    };
    for (const [tx, status] of [[complete, COMPLETE], [failed, FAILED], [prepared, PREPARED]]) {
      for (const [name, call] of Object.entries(calls)) {
        const error = await rejection(assert, () => call(tx), `${name} in status ${status}`);
        assert.ok(error instanceof StateTransactionError, `${name} in status ${status}: ${error}`);
        assert.is(error.code, 'STATE_TRANSACTION');
        assert.ok(/^Invalid transaction status/.test(error.message), error.message);
        assert.is(tx.status, status, `${name} leaves the status`);
      }
    }
    for (const tx of [complete, failed]) {
      assert.ok((await rejection(assert, () => tx.flush())) instanceof StateTransactionError);
    }
  });

  scenario('§4.1 a value that cannot be serialized fails the transaction and loses nothing stored', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.set('keep', 'stored', DEFAULT_PREFIX), 1);
    const circular = {};
    circular.self = circular;
    for (const bad of [2n ** 64n, circular, new Date(0)]) {
      const tx = p.begin();
      tx.set('keep', 'changed', DEFAULT_PREFIX);
      const error = await rejection(assert, () => tx.set('new', bad, DEFAULT_PREFIX));
      assert.ok(error instanceof StateSerializationError, String(error));
      assert.ok(/Failed to serialize value/.test(error.message));
      assert.is(tx.status, FAILED);
      assert.ok((await rejection(assert, () => tx.flush(2))) instanceof StateTransactionError, 'a failed transaction cannot be flushed');
      assert.equal(await contents(p), [['"keep"', '"stored"']]);
      assert.is(await p.getChangelogOffset(), 1);
    }
  });

  scenario('§4.1 read-side errors do not fail the transaction', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.setBytes('garbage', bytes('{not json'), DEFAULT_PREFIX));
    const tx = p.begin();
    assert.ok((await rejection(assert, () => tx.get('garbage', DEFAULT_PREFIX))) instanceof StateSerializationError);
    assert.ok((await rejection(assert, () => tx.get(2n ** 64n, DEFAULT_PREFIX))) instanceof StateSerializationError);
    assert.ok((await rejection(assert, () => tx.exists(Symbol('k'), DEFAULT_PREFIX))) instanceof StateSerializationError);
    assert.is(tx.status, STARTED);
    assert.is(text(await tx.getBytes('garbage', DEFAULT_PREFIX)), '{not json');
  });

  scenario('§4.4 setBytes stores bytes verbatim; a non-bytes value fails the transaction', async ({ partition }) => {
    const { partition: p } = await partition();
    const raw = Uint8Array.of(0, 0xff, 0x7c);
    await commit(p, (tx) => tx.setBytes('raw', raw, DEFAULT_PREFIX));
    const tx = p.begin();
    assert.equal([...(await tx.getBytes('raw', DEFAULT_PREFIX))], [0, 0xff, 0x7c]);
    const error = await rejection(assert, () => tx.setBytes('raw', 'text', DEFAULT_PREFIX));
    assert.ok(error instanceof StateSerializationError);
    assert.ok(/Value must be bytes/.test(error.message));
    assert.is(tx.status, FAILED);
  });

  scenario('the caller\'s arrays are not kept: changing a bytes key, a setBytes value or a dumps result after set changes nothing', async ({ partition, backendOptions }) => {
    // A dumps that hands out one array it keeps and changes: only a copy made at set() survives it.
    const shared = new Uint8Array(3);
    const dumps = (value) => (typeof value === 'number' ? (shared.set([0x31, 0x30, 0x30 + value]), shared) : new TextEncoder().encode(JSON.stringify(value)));
    const { partition: p } = await partition(backendOptions({ dumps }));
    const key = bytes('key');
    const value = bytes('value');
    await commit(p, (tx) => {
      tx.setBytes(key, value, DEFAULT_PREFIX);
      tx.set('one', 1, DEFAULT_PREFIX);
      tx.set('two', 2, DEFAULT_PREFIX);
      key.fill(0x21);
      value.fill(0x21);
    });
    key.set(bytes('key'));
    value.fill(0x22);
    shared.fill(0x23);
    assert.equal(await contents(p), [['"one"', '101'], ['"two"', '102'], ['key', 'value']], 'stored as given at set()');
    const tx = p.begin();
    tx.setBytes(key, value, DEFAULT_PREFIX);
    key.fill(0x21);
    assert.is(text(await tx.getBytes(bytes('key'), DEFAULT_PREFIX)), '\x22\x22\x22\x22\x22', 'the transaction kept its own key');
  });

  scenario('§4.4 column family names and prefixes are checked without failing the transaction', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    for (const cf of ['', 'a/b', 'has space', 'x::y', 42]) {
      const error = await rejection(assert, () => tx.set('k', 1, DEFAULT_PREFIX, cf), String(cf));
      assert.is(error.code, 'INVALID_COLUMN_FAMILY_NAME', String(cf));
      assert.is((await rejection(assert, () => tx.get('k', DEFAULT_PREFIX, undefined, cf))).code, 'INVALID_COLUMN_FAMILY_NAME');
    }
    for (const cf of [METADATA_CF_NAME, TTL_INDEX_CF_NAME]) {
      const error = await rejection(assert, () => tx.set(CHANGELOG_OFFSET_KEY, 1, DEFAULT_PREFIX, cf), cf);
      assert.is(error.code, 'STATE_INVALID_ARGUMENT', `${cf} is local bookkeeping`);
    }
    assert.is((await rejection(assert, () => tx.set('k', 1, 'not bytes'))).code, 'STATE_INVALID_ARGUMENT');
    assert.is(tx.status, STARTED);
    tx.set('k', 1, DEFAULT_PREFIX, '__values__');
    await tx.flush();
    assert.equal(await contents(p, '__values__'), [['"k"', '1']]);
  });

  scenario('§4.9 State binds a prefix: get, getMany, getBytes, set, setBytes, delete, exists', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    const state = tx.asState('user-1');
    assert.is(text(state.prefix), '"user-1"');
    state.set('count', 1);
    state.setBytes('raw', bytes('xyz'));
    state.set('gone', true);
    state.delete('gone');
    assert.is(await state.get('count'), 1);
    assert.is(await state.get('missing', 42), 42);
    assert.equal(await state.getMany(['count', 'missing'], -1), [1, -1]);
    assert.is(text(await state.getBytes('raw')), 'xyz');
    assert.is(await state.exists('count'), true);
    assert.is(await state.exists('gone'), false);
    await tx.prepare();
    await tx.flush();
    assert.equal(await contents(p), [['"user-1"|"count"', '1'], ['"user-1"|"raw"', 'xyz']]);
  });

  scenario('§4.8 withTransaction commits on success, writes nothing when the callback throws or the transaction failed', async ({ partition }) => {
    const { partition: p } = await partition();
    const result = await withTransaction(p, (tx) => {
      tx.asState().set('a', 1);
      return 'done';
    });
    assert.is(result, 'done');
    const thrown = await rejection(assert, () =>
      withTransaction(p, (tx) => {
        tx.asState().set('a', 2);
        throw new Error('boom');
      }),
    );
    assert.is(thrown.message, 'boom');
    const failed = await rejection(assert, () =>
      withTransaction(p, (tx) => {
        tx.asState().set('a', 3);
        try {
          tx.asState().set('b', 2n ** 64n);
        } catch {
          // swallowed on purpose: withTransaction must still refuse to commit
        }
      }),
    );
    assert.is(failed.code, 'STORE_TRANSACTION_FAILED');
    assert.equal(await contents(p), [['"a"', '1']]);
    const manual = p.begin();
    const selfFlushed = await rejection(assert, () => withTransaction(manual, async (tx) => tx.flush()));
    assert.ok(selfFlushed instanceof StateTransactionError, String(selfFlushed));
    assert.ok(/Invalid transaction status COMPLETE.*cannot prepare\(\)/.test(selfFlushed.message), selfFlushed.message);
  });

  scenario('§4.5 range reads merge cache and database, honour deletes, in key order both ways', async ({ partition }) => {
    const { partition: p } = await partition();
    const prefix = bytes('k');
    await commit(p, (tx) => {
      for (const [start, value] of [[1, 'db1'], [2, 'db2'], [3, 'db3'], [5, 'db5'], [9, 'db9']]) tx.setBytes(encodeIntegerPair(start, start + 1), bytes(value), prefix);
      tx.setBytes(encodeIntegerPair(2, 3), bytes('other'), bytes('k2'));
    });
    const tx = p.begin();
    tx.setBytes(encodeIntegerPair(2, 3), bytes('cache2'), prefix);
    tx.setBytes(encodeIntegerPair(4, 5), bytes('cache4'), prefix);
    tx.delete(encodeIntegerPair(3, 4), prefix);
    const read = async (start, end, backwards = false) =>
      (await tx.getItems(start, end, prefix, { backwards })).map(([key, value]) => [decodeIntegerPair(key.subarray(2))[0], text(value)]);
    assert.equal(await read(0, 9), [[1, 'db1'], [2, 'cache2'], [4, 'cache4'], [5, 'db5']]);
    assert.equal(await read(-5, 10, true), [[9, 'db9'], [5, 'db5'], [4, 'cache4'], [2, 'cache2'], [1, 'db1']]);
    assert.equal(await read(4, 4), []);
    assert.equal(await read(5, 2), []);
    assert.equal(await read(-3, -1), []);
  });

  scenario('§5 building block: the global counter counts from 0 and persists only through prepare()', async ({ partition }) => {
    const { partition: p } = await partition();
    const first = p.begin();
    assert.is(await first.nextCounter(), 0);
    assert.is(await first.nextCounter(), 1);
    await first.prepare();
    await first.flush();
    assert.equal(await contents(p, GLOBAL_COUNTER_CF_NAME), [['__global_counter__', '1']]);
    const lost = p.begin();
    assert.is(await lost.nextCounter(), 2);
    await lost.flush();
    const next = p.begin();
    assert.is(await next.nextCounter(), 2, 'flush without prepare loses increments');
  });

  // ---- fixed reference quirks (spec §13) -----------------------------------------------------------

  scenario('quirk 8 fixed: a bad value on a PREPARED transaction is refused and the transaction stays PREPARED', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    tx.set('a', 1, DEFAULT_PREFIX);
    await tx.prepare();
    const error = await rejection(assert, () => tx.set('b', 2n ** 64n, DEFAULT_PREFIX));
    assert.ok(error instanceof StateTransactionError, 'the status check comes first');
    assert.is(tx.status, PREPARED);
    await tx.flush();
    assert.equal(await contents(p), [['"a"', '1']]);
  });

  scenario('quirk 11 fixed: an empty value is a value, never a delete (transactions and recovery)', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => tx.setBytes('empty', new Uint8Array(0), DEFAULT_PREFIX));
    const tx = p.begin();
    assert.is(await tx.exists('empty', DEFAULT_PREFIX), true);
    assert.is((await tx.getBytes('empty', DEFAULT_PREFIX)).length, 0);
    const headers = { __column_family__: bytes('default') };
    await p.recoverFromChangelogMessage({ key: bytes('recovered'), value: new Uint8Array(0), headers, offset: 0 }, {});
    assert.equal(await contents(p), [['"empty"', ''], ['recovered', '']]);
  });

  scenario('quirk 12 fixed: a topic missing from the committed offsets means nothing committed, so the message is skipped', async ({ partition }) => {
    const { partition: p } = await partition();
    const message = {
      key: bytes('k'),
      value: bytes('1'),
      headers: { __column_family__: bytes('default'), __processed_tp_offsets__: bytes('{"unknown-topic":0}') },
      offset: 4,
    };
    assert.is(await p.recoverFromChangelogMessage(message, { 'other-topic': 100 }), 'skipped');
    assert.equal(await contents(p), []);
    assert.is(await p.getChangelogOffset(), 4, 'the offset still advances');
  });

  scenario('quirk 13 fixed: without a stateDir the state lives in ./state, not in a directory named after a missing value', async ({ env }) => {
    const manager = new StateStoreManager({ backend: env.backend, groupId: 'group' });
    assert.ok(/[\\/]state[\\/]group$/.test(manager.stateDir), manager.stateDir);
    assert.ok(!/undefined|null|None/.test(manager.stateDir), manager.stateDir);
  });

  scenario('quirk 14 fixed: range reads check the transaction status too', async ({ partition }) => {
    const { partition: p } = await partition();
    const tx = p.begin();
    await tx.flush();
    const error = await rejection(assert, () => tx.getItems(0, 10, bytes('k')));
    assert.ok(error instanceof StateTransactionError);
  });
}
