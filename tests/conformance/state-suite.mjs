// The state-layer conformance suite: the behaviour of docs/state-model.md and the spec
// (/work/shared/spec/state-layer.md §3, §4, §8, §9, §10 partition level, §12) registered into
// whatever test runner the caller uses, and run against every backend.
//
//   import { stateSuite } from './conformance/state-suite.mjs';
//   stateSuite(test, assert, async () => ({ backend: 'memory', stateDir, cleanup }));
//
// - test(name, fn): registers one async test (uvu's `test`, node:test's `test`, Deno.test, ...).
// - assert: { ok(value, message), is(actual, expected, message) (===), equal(actual, expected,
//   message) (deep) }; uvu/assert fits as is.
// - makeEnv(): { backend: 'memory' | 'rocksdb' | 'slatedb', stateDir: a fresh directory (or
//   namespace) for this test, cleanup() } for each test.
//
// Each fixed reference quirk (spec §13) in this layer has one test named "quirk N fixed: ...".
import {
  appendInteger,
  changelogTopicName,
  CHANGELOG_CF_MESSAGE_HEADER,
  CHANGELOG_OFFSET_KEY,
  CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER,
  ColumnFamilyHeaderMissing,
  DEFAULT_PREFIX,
  DEFAULT_STATE_STORE_NAME,
  decodeIntegerPair,
  deserializeValue,
  dumps,
  encodeIntegerPair,
  GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY,
  intFromBytes,
  intToBytes,
  InvalidChangelogOffset,
  loads,
  MAX_UINT64,
  METADATA_CF_NAME,
  defaultLogger,
  getLogger,
  OpenDeadline,
  PartitionTransactionStatus,
  setLogger,
  serializeKey,
  serializeValue,
  StateError,
  StateSerializationError,
  StateStoreManager,
  StateTransactionError,
  StoreLockError,
  StoreOpenAborted,
  StreamstateError,
  withTransaction,
  STORES,
} from 'streamstate';
// Internal format constants, not part of the public API: read from the build directly.
import { LOCAL_ONLY_CFS, SEPARATOR, TTL_INDEX_CF_NAME } from '../../dist/state/constants.js';
import { MemoryChangelog } from '../helpers/state-changelog.mjs';
import { captureLogger } from '../helpers/state-logger.mjs';
import { bytes, commit, contents, hex, makeScenario, rejection, text } from './support.mjs';

const { STARTED, PREPARED, COMPLETE, FAILED } = PartitionTransactionStatus;

/**
 * Registers the suite.
 * @param test - (name, async fn) => void
 * @param assert - { ok, is, equal }
 * @param makeEnv - async () => ({ backend, stateDir, cleanup })
 */
export function stateSuite(test, assert, makeEnv) {
  /** Runs `fn(ctx)` with a fresh environment; managers made through ctx are closed afterwards. */
  const scenario = makeScenario(test, makeEnv, (ctx) => ({
    /** Options for the env's backend under the manager's right field (rocksdbOptions, ...). */
    backendOptions: (options) => ({ [`${ctx.env.backend}Options`]: options }),
    /** A manager with one store "default" on stream "topic", partition 0 assigned. */
    async partition(options = {}, { streamId = 'topic', storeName = 'default', partition = 0 } = {}) {
      const manager = ctx.manager(options);
      const store = manager.registerStore(streamId, storeName);
      const opened = await store.assignPartition(partition);
      return { manager, store, partition: opened };
    },
  }));

  // ---- §2, §3 serialization and layout -----------------------------------------------------------

  test('§2 constants have the exact values of the spec', async () => {
    assert.equal([...SEPARATOR], [0x7c]);
    assert.is(DEFAULT_PREFIX.length, 0);
    assert.is(CHANGELOG_CF_MESSAGE_HEADER, '__column_family__');
    assert.is(CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER, '__processed_tp_offsets__');
    assert.is(METADATA_CF_NAME, '__metadata__');
    assert.is(TTL_INDEX_CF_NAME, '__ttl_index__');
    assert.equal([...LOCAL_ONLY_CFS].sort(), ['__metadata__', '__ttl_index__']);
    assert.is(text(CHANGELOG_OFFSET_KEY), '__changelog_offset__');
    assert.is(GLOBAL_COUNTER_CF_NAME, '__global-counter__');
    assert.is(text(GLOBAL_COUNTER_KEY), '__global_counter__');
    assert.is(MAX_UINT64, 18446744073709551615n);
    assert.is(DEFAULT_STATE_STORE_NAME, 'default');
  });

  test('§3.1 dumps writes compact JSON with the reference bytes', async () => {
    const cases = [
      [{ key: 'value', mapping: { key: 'value' } }, '{"key":"value","mapping":{"key":"value"}}'],
      [[123, 456], '[123,456]'],
      [{ b: 1, a: 2 }, '{"b":1,"a":2}'],
      [null, 'null'],
      [true, 'true'],
      [false, 'false'],
      [NaN, 'null'],
      [-Infinity, 'null'],
      [0, '0'],
      [-7, '-7'],
      [123.123, '123.123'],
      [0.5, '0.5'],
      [1e20, '1e+20'],
      [1.5e-7, '1.5e-7'],
      [0.0001, '0.0001'],
      [2 ** 53, '9007199254740992.0'],
      [12345678901234567890n, '12345678901234567890'],
      [-(2n ** 63n), '-9223372036854775808'],
      ['key', '"key"'],
      ['é\n\u001f"\\', '"é\\n\\u001f\\"\\\\"'],
    ];
    for (const [value, expected] of cases) assert.is(text(dumps(value)), expected, `dumps(${String(value)})`);
    assert.equal([...dumps('é')], [0x22, 0xc3, 0xa9, 0x22], 'non-ASCII is raw UTF-8');
    assert.equal(loads(bytes('{"a":[1,2.5,null,"x"]}')), { a: [1, 2.5, null, 'x'] });
  });

  test('§3.1 dumps refuses what JSON cannot round-trip instead of coercing it', async () => {
    const circular = { name: 'loop' };
    circular.self = circular;
    class Point {
      x = 1;
    }
    const refused = [
      ['undefined', undefined],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a Date', new Date(0)],
      ['a Map', new Map()],
      ['a Set', new Set()],
      ['a typed array', new Float64Array(1)],
      ['a bigint above 2^64-1', 2n ** 64n],
      ['a bigint below -2^63', -(2n ** 63n) - 1n],
      ['a circular object', circular],
      ['a class instance', new Point()],
      ['an undefined member', { a: undefined }],
      ['a lone surrogate', '\ud800'],
    ];
    for (const [what, value] of refused) {
      const error = await rejection(assert, () => dumps(value), what);
      assert.ok(error instanceof TypeError, `${what}: TypeError`);
      const wrapped = await rejection(assert, () => serializeValue(value, dumps), what);
      assert.ok(wrapped instanceof StateSerializationError, `${what}: StateSerializationError`);
      assert.is(wrapped.code, 'STATE_SERIALIZATION');
      assert.ok(/^Failed to serialize value: "/.test(wrapped.message), wrapped.message);
    }
    const unreadable = await rejection(assert, () => deserializeValue(bytes('{not json'), loads));
    assert.ok(unreadable instanceof StateSerializationError);
    assert.ok(/^Failed to deserialize value: "b'\{not json'"/.test(unreadable.message), unreadable.message);
  });

  test('§3.2 keys are prefix | K, or K alone for an empty prefix', async () => {
    const prefix = bytes('__key__');
    const cases = [
      ['key', '__key__|"key"'],
      [123, '__key__|123'],
      [123.123, '__key__|123.123'],
      [[123, 456], '__key__|[123,456]'],
      [bytes('somebytes'), '__key__|somebytes'],
      [null, '__key__|null'],
      [true, '__key__|true'],
    ];
    for (const [key, expected] of cases) assert.is(text(serializeKey(key, prefix, dumps)), expected);
    assert.is(text(serializeKey('key', DEFAULT_PREFIX, dumps)), '"key"');
    assert.is(text(serializeKey(bytes('raw'), new Uint8Array(0), dumps)), 'raw');
  });

  scenario('§3.2 asState serializes a non-bytes prefix once; an empty prefix adds no separator', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => {
      tx.asState('key').set('k', 1);
      tx.asState(123).set('k', 2);
      tx.asState(null).set('k', 3);
      tx.asState().set('k', 4);
      tx.asState(new Uint8Array(0)).set('j', 5);
      tx.asState(bytes('raw')).set('k', 6);
    });
    assert.equal(
      (await contents(p)).sort(),
      [['"j"', '5'], ['"k"', '4'], ['"key"|"k"', '1'], ['123|"k"', '2'], ['null|"k"', '3'], ['raw|"k"', '6']],
    );
  });

  test('§3.3 integers are unsigned 64-bit big-endian, and out-of-range ones are refused', async () => {
    assert.is(hex(intToBytes(1)), '0000000000000001');
    assert.is(hex(intToBytes(2 ** 40 + 5)), '0000010000000005');
    assert.is(hex(intToBytes(2n ** 64n - 1n)), 'ffffffffffffffff');
    assert.is(intFromBytes(intToBytes(1234567890123)), 1234567890123);
    assert.is(hex(encodeIntegerPair(1, 2)), '0000000000000001' + '7c' + '0000000000000002');
    assert.equal(decodeIntegerPair(encodeIntegerPair(10, 20)), [10, 20]);
    assert.is(hex(appendInteger(bytes('k'), 1)), '6b7c0000000000000001');
    assert.is(hex(appendInteger(new Uint8Array(0), 0)), '7c0000000000000000');
    for (const bad of [-1, 2n ** 64n, 1.5, NaN, -1n]) {
      const error = await rejection(assert, () => intToBytes(bad), String(bad));
      assert.is(error.code, 'INTEGER_ENCODING', String(bad));
    }
    assert.is((await rejection(assert, () => intFromBytes(new Uint8Array(7)))).code, 'INTEGER_ENCODING');
    assert.is((await rejection(assert, () => intFromBytes(intToBytes(2n ** 60n)))).code, 'INTEGER_ENCODING', 'above MAX_SAFE_INTEGER');
  });

  scenario('§3.5 the changelog offset is u64(offset) under __changelog_offset__ in __metadata__', async ({ partition }) => {
    const { partition: p } = await partition();
    assert.is(await p.getChangelogOffset(), undefined);
    await commit(p, (tx) => tx.set('k', 'v', DEFAULT_PREFIX), 5);
    assert.is(hex(await p.get(CHANGELOG_OFFSET_KEY, METADATA_CF_NAME)), '0000000000000005');
    assert.is(await p.getChangelogOffset(), 5);
  });

  scenario('§3.1 custom dumps/loads serialize keys, values and prefixes', async ({ partition, backendOptions }) => {
    const custom = {
      dumps: (value) => bytes(`X${JSON.stringify(value)}`),
      loads: (stored) => JSON.parse(text(stored).slice(1)),
    };
    const { partition: p } = await partition(backendOptions(custom));
    await commit(p, (tx) => tx.asState('p').set('k', { n: 1 }));
    assert.equal(await contents(p), [['X"p"|X"k"', 'X{"n":1}']]);
    const tx = p.begin();
    assert.equal(await tx.asState('p').get('k'), { n: 1 });
  });

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

  // ---- §8 partitions --------------------------------------------------------------------------------

  scenario('§8.2 partitions live at <stateDir>/<groupId>/<store>/<stream>/<partition>', async ({ env, manager }) => {
    const m = manager({ groupId: 'group' });
    const withStream = await m.registerStore('orders', 'counts').assignPartition(3);
    const withoutStream = await m.registerStore(null, 'source-x').assignPartition(0);
    assert.is(withStream.path.replace(/\\/g, '/'), `${m.stateDir}/counts/orders/3`.replace(/\\/g, '/'));
    assert.is(withoutStream.path.replace(/\\/g, '/'), `${m.stateDir}/source-x/0`.replace(/\\/g, '/'));
    assert.ok(m.stateDir.replace(/\\/g, '/').endsWith(`${env.stateDir.replace(/\\/g, '/').replace(/^\.\//, '')}/group`), m.stateDir);
    assert.ok(withStream.describe().includes('partition 3'));
  });

  scenario('§8.1 a fresh partition has exactly the default and __metadata__ column families', async ({ partition }) => {
    const { partition: p } = await partition();
    assert.equal((await p.listColumnFamilies()).sort(), ['__metadata__', 'default']);
  });

  scenario('§8.4 iterItems honours both bounds in both directions; empty when lower >= upper', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => {
      for (const key of ['a', 'b', 'c', 'd']) tx.setBytes(bytes(key), bytes(key), DEFAULT_PREFIX);
    });
    const keys = async (lower, upper, backwards) => {
      const out = [];
      for await (const [key] of p.iterItems(lower && bytes(lower), upper && bytes(upper), { backwards })) out.push(text(key));
      return out.join('');
    };
    assert.is(await keys('b', 'd', false), 'bc');
    assert.is(await keys('b', 'd', true), 'cb');
    assert.is(await keys(undefined, 'c', true), 'ba');
    assert.is(await keys('c', undefined, false), 'cd');
    assert.is(await keys('c', 'c', false), '');
    assert.is(await keys('d', 'a', true), '');
  });

  scenario('§8.4 iterItems returns every entry of a range larger than any page (3,000 entries of 1.1 KB), before and after reassignment', async ({ partition }) => {
    const { store, partition: p } = await partition();
    const N = 3000;
    const key = (i) => `k${String(i).padStart(5, '0')}`;
    const value = (i) => `${i}:`.padEnd(1100, 'v');
    for (let i = 0; i < N; i += 1000) {
      await commit(p, (tx) => {
        for (let j = i; j < i + 1000; j++) tx.setBytes(bytes(key(j)), bytes(value(j)), DEFAULT_PREFIX);
      });
    }
    const readAll = async (opened, when) => {
      for (const backwards of [false, true]) {
        const keys = [];
        for await (const [k, v] of opened.iterItems(undefined, undefined, { backwards })) {
          const want = backwards ? N - 1 - keys.length : keys.length;
          if (text(k) !== key(want)) assert.ok(false, `${when}, backwards=${backwards}: entry ${keys.length} is ${text(k)}, expected ${key(want)}`);
          if (keys.length % 997 === 0) assert.is(text(v), value(want));
          keys.push(k);
        }
        assert.is(keys.length, N, `${when}, backwards=${backwards}: every entry`);
      }
      const tx = opened.begin();
      const values = await Promise.all([0, 1277, 2999].map((i) => tx.getBytes(bytes(key(i)), DEFAULT_PREFIX)));
      assert.equal(values.map((v) => text(v)), [value(0), value(1277), value(2999)]);
    };
    await readAll(p, 'after the writes');
    await store.revokePartition(0);
    await readAll(await store.assignPartition(0), 'after reassignment');
  });

  scenario('§8.2 data survives revoke and reassignment, and a new manager on the same directory', async ({ manager }) => {
    const first = manager({ groupId: 'g' });
    const store = first.registerStore('topic');
    await commit(await store.assignPartition(0), (tx) => tx.asState('k').set('v', 1), 12);
    await first.onPartitionRevoke('topic', 0);
    assert.is(store.partitions.size, 0);
    const again = await store.assignPartition(0);
    assert.is(await again.begin().asState('k').get('v'), 1);
    await first.close();
    const second = manager({ groupId: 'g' });
    second.registerStore('topic');
    const { default: reopened } = await second.onPartitionAssign('topic', 0);
    assert.is(await reopened.begin().asState('k').get('v'), 1);
    assert.is(await reopened.getChangelogOffset(), 12);
  });

  scenario('§8.2 a second opener retries with backoff, then fails with the backend\'s lock error; the holder\'s data is untouched', async ({ env, manager }) => {
    const holder = manager();
    await commit(await holder.registerStore('topic').assignPartition(0), (tx) => tx.asState().set('k', 'kept'));
    const log = captureLogger();
    const contender = manager({ logger: log.logger, ...{ [`${env.backend}Options`]: { openMaxRetries: 3, openRetryBackoffMs: 10 } } });
    const error = await rejection(assert, () => contender.registerStore('topic').assignPartition(0));
    assert.ok(error instanceof StoreLockError, String(error));
    assert.is(error.code, { rocksdb: 'ROCKSDB_LOCKED', memory: 'MEMORY_LOCKED', slatedb: 'SLATEDB_LOCKED' }[env.backend]);
    assert.ok(/gave up after 3 attempt/.test(error.message), error.message);
    const retries = log.matching('warn', /cannot acquire a lock \(attempt \d\/3\)\. Retrying in [\d.]+sec\./);
    assert.equal(
      retries.map((line) => line.match(/\(attempt (\d)\/3\)\. Retrying in ([\d.]+)sec\./).slice(1)),
      [['1', '0.01'], ['2', '0.01']],
      `two waits, each of the 10 ms backoff:\n${log.lines.map((line) => line.message).join('\n')}`,
    );
    assert.ok(retries[0].includes('store="default" stream="topic" partition=0 path='), retries[0]);
    assert.is(await holder.getStore('topic').partitions.get(0).begin().asState().get('k'), 'kept');
  });

  scenario('§8.2 openMaxRetries 0 means a single attempt', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const log = captureLogger();
    const contender = manager({ logger: log.logger, [`${env.backend}Options`]: { openMaxRetries: 0, openRetryBackoffMs: 10_000 } });
    const started = performance.now();
    assert.ok((await rejection(assert, () => contender.registerStore('topic').assignPartition(0))) instanceof StoreLockError);
    assert.ok(performance.now() - started < 5000);
    assert.is(log.matching('warn', /cannot acquire a lock/).length, 0);
  });

  scenario('§8.2 an abort signal stops the wait between attempts: StoreOpenAborted', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const controller = new AbortController();
    const contender = manager({ signal: controller.signal, [`${env.backend}Options`]: { openMaxRetries: 100, openRetryBackoffMs: 60_000 } });
    const opening = contender.registerStore('topic').assignPartition(0);
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(assert, () => opening);
    assert.ok(error instanceof StoreOpenAborted, String(error));
    assert.ok(/^(STORE|ROCKSDB|SLATEDB)_OPEN_ABORTED$/.test(error.code), error.code);
    assert.ok(/the application is stopping/.test(error.message));
    const already = await rejection(assert, () => manager({ signal: controller.signal }).registerStore('topic').assignPartition(0));
    assert.ok(already instanceof StoreOpenAborted, 'an aborted signal refuses at once');
  });

  scenario('§8.2 an open deadline stops retrying once the next wait would cross it', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const deadline = new OpenDeadline();
    deadline.arm(50);
    const contender = manager({ openDeadline: deadline, [`${env.backend}Options`]: { openMaxRetries: 100, openRetryBackoffMs: 20 } });
    const started = performance.now();
    const error = await rejection(assert, () => contender.registerStore('topic').assignPartition(0));
    assert.ok(error instanceof StoreLockError);
    assert.ok(/deadline/.test(error.message), error.message);
    assert.ok(performance.now() - started < 1000);
    deadline.disarm();
    assert.is(deadline.remainingMs(), undefined);
    assert.is(deadline.expired(), false);
  });

  scenario('§8.8 options are validated with clear errors', async ({ env, manager }) => {
    const field = `${env.backend}Options`;
    for (const options of [{ openMaxRetries: -1 }, { openRetryBackoffMs: 'soon' }, { onCorruptedRecreate: 1 }, { dumps: 'json' }, { typo: 1 }]) {
      const error = await rejection(assert, () => manager({ [field]: options }).registerStore('topic'), JSON.stringify(options));
      assert.is(error.code, 'INVALID_OPTIONS', JSON.stringify(options));
      assert.ok(error.message.includes(Object.keys(options)[0]), error.message);
    }
    assert.is((await rejection(assert, () => new StateStoreManager({ stateDir: env.stateDir, bakend: 'memory' }))).code, 'INVALID_OPTIONS');
    assert.is((await rejection(assert, () => new StateStoreManager({ stateDir: env.stateDir, backend: 'leveldb' }))).code, 'INVALID_OPTIONS');
  });

  scenario('§8.6 recovery applies upserts and deletes idempotently and advances the offset', async ({ partition }) => {
    const { partition: p } = await partition();
    const headers = { __column_family__: bytes('default') };
    const messages = [
      { key: bytes('a'), value: bytes('1'), headers, offset: 0 },
      { key: bytes('b'), value: bytes('2'), headers, offset: 1 },
      { key: bytes('a'), value: null, headers, offset: 2 },
      { key: bytes('v'), value: bytes('x'), headers: { __column_family__: bytes('__values__') }, offset: 3 },
    ];
    for (const round of [1, 2]) {
      for (const message of messages) assert.is(await p.recoverFromChangelogMessage(message, {}), 'applied');
      assert.equal(await contents(p), [['b', '2']], `round ${round}`);
      assert.equal(await contents(p, '__values__'), [['v', 'x']]);
      assert.is(await p.getChangelogOffset(), 3);
    }
  });

  scenario('logging prints warnings by default; setLogger installs a logger every component uses', async ({ manager }) => {
    const installed = getLogger();
    const log = captureLogger();
    try {
      setLogger(log.logger);
      await manager({ groupId: 'logged' }).registerStore('topic', 'counts').assignPartition(5);
      const opened = log.matching('info', /^Opened \w+ partition\. store="counts" stream="topic" partition=5 path=".*logged.counts.topic.5"$/);
      assert.is(opened.length, 1, log.lines.map((line) => line.message).join('\n'));
    } finally {
      setLogger(installed);
    }
    setLogger(undefined);
    assert.is(getLogger(), defaultLogger, 'undefined restores the default logger');
    setLogger(installed);
  });

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
