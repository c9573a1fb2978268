// State conformance suite, part: serialization and key layout (§2, §3). Registered by stateSuite (state-suite.mjs),
// which builds `scenario` for the backend under test.
import {
  appendInteger, CHANGELOG_CF_MESSAGE_HEADER, CHANGELOG_OFFSET_KEY,
  CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER, DEFAULT_PREFIX, DEFAULT_STATE_STORE_NAME,
  decodeIntegerPair, deserializeValue, dumps, encodeIntegerPair, GLOBAL_COUNTER_CF_NAME,
  GLOBAL_COUNTER_KEY, intFromBytes, intToBytes, loads, MAX_UINT64, METADATA_CF_NAME, serializeKey,
  serializeValue, StateSerializationError,
} from 'streamstate';
// Internal format constants, not part of the public API: read from the build directly.
import { LOCAL_ONLY_CFS, SEPARATOR, TTL_INDEX_CF_NAME } from '../../dist/state/constants.js';
import { bytes, commit, contents, hex, rejection, text } from './support.mjs';

/** Registers this part: `test` and `assert` as in stateSuite, `scenario` built by it. */
export function stateLayout(test, assert, scenario) {
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
}
