// The Backend conformance suite: one definition of what every backend (memory, RocksDB, SlateDB)
// must do, registered into whatever test runner the caller uses.
//
//   import { backendSuite } from './conformance/backend-suite.mjs';
//   backendSuite(test, assert, async () => ({ backend, path: (name) => uniquePath, cleanup }));
//
// - test(name, fn): registers one async test (uvu's `test`, node:test's `test`, Deno.test, ...).
// - assert: { ok(value, message), is(actual, expected, message) (===), equal(actual, expected,
//   message) (deep) }; uvu/assert fits as is, wrap node:assert or Deno's asserts to this shape.
// - makeBackend(): { backend, path(name) → a path unique to this call, cleanup() } for each test.
//
// Only `backend.supports` may tell backends apart here; everything else is the contract in
// ts/backends/backend.ts. Keys and values are compared as hex strings so a failure shows bytes.
import { DEFAULT_CF, StoreLockError, StreamstateError } from 'streamstate';
import { hex, rejection } from './support.mjs';

const encoder = new TextEncoder();

/** Bytes of a string, or of an array of numbers. */
function bytes(input) {
  return typeof input === 'string' ? encoder.encode(input) : Uint8Array.from(input);
}

function u32(n) {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

async function collect(iterable) {
  const entries = [];
  for await (const [key, value] of iterable) entries.push([hex(key), hex(value)]);
  return entries;
}

async function collectKeys(iterable) {
  return (await collect(iterable)).map(([key]) => key);
}

// Keys in their required ascending order: unsigned bytes (0x80 and 0xff after 0x7f), a proper
// prefix before its extensions, 0x00 as an ordinary byte. No empty key: some engines refuse it.
const ORDERED_KEYS = [
  [0x00],
  [0x00, 0x00],
  [0x00, 0x01],
  [0x01],
  [0x61], // a
  [0x61, 0x00],
  [0x61, 0x62], // ab
  [0x61, 0x62, 0x63], // abc
  [0x62], // b
  [0x7f],
  [0x80],
  [0xfe, 0xff],
  [0xff],
  [0xff, 0x00],
  [0xff, 0xff],
  [0xff, 0xff, 0xff],
].map(bytes);
const ORDERED_HEX = ORDERED_KEYS.map(hex);

/** Writes ORDERED_KEYS in a scrambled order, each valued with its index. */
async function writeOrderedKeys(db, cf = DEFAULT_CF) {
  const order = ORDERED_KEYS.map((_, i) => (i * 7) % ORDERED_KEYS.length);
  await db.write(order.map((i) => ({ cf, key: ORDERED_KEYS[i], value: Uint8Array.of(i) })));
}

/** Hex keys of ORDERED_KEYS[from..to) (ascending), reversed when asked. */
function expectedSlice(from, to, reverse = false) {
  const slice = ORDERED_HEX.slice(from, to);
  return reverse ? slice.reverse() : slice;
}

/**
 * Register the Backend conformance tests.
 * @param {(name: string, fn: () => Promise<void>) => void} test - registers one test
 * @param {{ ok: Function, is: Function, equal: Function }} assert - assertions (see the header)
 * @param {() => Promise<{ backend: import('streamstate').Backend, path: (name: string) => string,
 *   cleanup: () => Promise<void> }>} makeBackend - a backend and unique paths for one test
 */
export function backendSuite(test, assert, makeBackend) {
  /** Runs `fn(db, context)` on a freshly opened database, always closing it and cleaning up. */
  function testWithDatabase(name, fn, openOptions) {
    test(name, async () => {
      const context = await makeBackend();
      const db = await context.backend.open(context.path('db'), openOptions);
      try {
        await fn(db, context);
      } finally {
        await db.close();
        await context.cleanup();
      }
    });
  }

  /** Runs `fn(context)` with a backend and nothing opened. */
  function testWithBackend(name, fn) {
    test(name, async () => {
      const context = await makeBackend();
      try {
        await fn(context);
      } finally {
        await context.cleanup();
      }
    });
  }

  // ---- point reads and writes -------------------------------------------------------------

  testWithDatabase('put, get and delete through write()', async (db) => {
    const key = bytes('k');
    assert.is(await db.get(DEFAULT_CF, key), undefined, 'absent before the put');
    await db.write([{ cf: DEFAULT_CF, key, value: bytes('v1') }]);
    const value = await db.get(DEFAULT_CF, key);
    assert.ok(value instanceof Uint8Array, 'get returns a Uint8Array');
    assert.is(hex(value), hex(bytes('v1')));
    await db.write([{ cf: DEFAULT_CF, key, value: bytes('v2') }]);
    assert.is(hex(await db.get(DEFAULT_CF, key)), hex(bytes('v2')), 'a second put overwrites');
    await db.write([{ cf: DEFAULT_CF, key, value: undefined }]);
    assert.is(await db.get(DEFAULT_CF, key), undefined, 'absent after the delete');
    await db.write([{ cf: DEFAULT_CF, key: bytes('never'), value: undefined }]);
    assert.is(await db.get(DEFAULT_CF, bytes('never')), undefined, 'deleting an absent key is harmless');
  });

  testWithDatabase('an empty value is a value, not a delete', async (db) => {
    const key = bytes('empty');
    await db.write([{ cf: DEFAULT_CF, key, value: new Uint8Array(0) }]);
    const value = await db.get(DEFAULT_CF, key);
    assert.ok(value instanceof Uint8Array, 'get finds the key');
    assert.is(value.length, 0, 'with an empty value');
    const [many] = await db.getMany(DEFAULT_CF, [key]);
    assert.ok(many instanceof Uint8Array && many.length === 0, 'getMany finds it too');
    assert.equal(await collect(db.iterate({ cf: DEFAULT_CF })), [[hex(key), '']], 'iterate yields it');
  });

  testWithDatabase('bytes are copied in and out', async (db) => {
    const key = bytes('key');
    const value = bytes('value');
    await db.write([{ cf: DEFAULT_CF, key, value }]);
    value.fill(0x21);
    key.fill(0x21);
    const read = await db.get(DEFAULT_CF, bytes('key'));
    assert.is(hex(read), hex(bytes('value')), 'changing the written arrays changes nothing stored');
    read.fill(0x21);
    assert.is(hex(await db.get(DEFAULT_CF, bytes('key'))), hex(bytes('value')), 'nor does changing a read one');
    for await (const [iteratedKey, iteratedValue] of db.iterate({ cf: DEFAULT_CF })) {
      iteratedKey.fill(0x21);
      iteratedValue.fill(0x21);
    }
    assert.is(hex(await db.get(DEFAULT_CF, bytes('key'))), hex(bytes('value')), 'nor changing iterated ones');
  });

  testWithDatabase('getMany answers aligned with the keys asked', async (db) => {
    await db.write([
      { cf: DEFAULT_CF, key: bytes('a'), value: bytes('1') },
      { cf: DEFAULT_CF, key: bytes('c'), value: bytes('3') },
      { cf: DEFAULT_CF, key: bytes('e'), value: new Uint8Array(0) },
    ]);
    const keys = ['e', 'zz', 'c', 'a', 'b', 'c'].map(bytes);
    const values = await db.getMany(DEFAULT_CF, keys);
    assert.equal(values.map(hex), ['', undefined, hex(bytes('3')), hex(bytes('1')), undefined, hex(bytes('3'))]);
    assert.equal(await db.getMany(DEFAULT_CF, []), [], 'no keys, no answers');
    assert.equal(await db.getMany('absent-family', keys.slice(0, 2)), [undefined, undefined], 'absent family');
  });

  // ---- batches ---------------------------------------------------------------------------------

  testWithDatabase('a batch spans column families and applies every operation', async (db) => {
    await db.write([{ cf: 'other', key: bytes('gone'), value: bytes('x') }]);
    await db.write([
      { cf: DEFAULT_CF, key: bytes('d1'), value: bytes('1') },
      { cf: 'other', key: bytes('o1'), value: bytes('2') },
      { cf: 'other', key: bytes('gone'), value: undefined },
      { cf: '__metadata__', key: bytes('__changelog_offset__'), value: u32(42) },
    ]);
    assert.is(hex(await db.get(DEFAULT_CF, bytes('d1'))), hex(bytes('1')));
    assert.is(hex(await db.get('other', bytes('o1'))), hex(bytes('2')));
    assert.is(await db.get('other', bytes('gone')), undefined, 'the delete in the batch applied');
    assert.is(hex(await db.get('__metadata__', bytes('__changelog_offset__'))), hex(u32(42)));
  });

  testWithDatabase('within a batch, a later operation on the same key wins', async (db) => {
    await db.write([{ cf: DEFAULT_CF, key: bytes('deleted-then-put'), value: bytes('old') }]);
    await db.write([
      { cf: DEFAULT_CF, key: bytes('put-twice'), value: bytes('first') },
      { cf: DEFAULT_CF, key: bytes('put-then-deleted'), value: bytes('x') },
      { cf: DEFAULT_CF, key: bytes('deleted-then-put'), value: undefined },
      { cf: DEFAULT_CF, key: bytes('put-twice'), value: bytes('second') },
      { cf: DEFAULT_CF, key: bytes('put-then-deleted'), value: undefined },
      { cf: DEFAULT_CF, key: bytes('deleted-then-put'), value: bytes('new') },
    ]);
    assert.is(hex(await db.get(DEFAULT_CF, bytes('put-twice'))), hex(bytes('second')));
    assert.is(await db.get(DEFAULT_CF, bytes('put-then-deleted')), undefined);
    assert.is(hex(await db.get(DEFAULT_CF, bytes('deleted-then-put'))), hex(bytes('new')));
  });

  testWithDatabase('large batches of puts, overwrites and deletes match a plain model', async (db) => {
    // A fixed pseudo-random walk over 300 keys, so repeated keys and deletes mix in each batch.
    const model = new Map();
    let seed = 12345;
    const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let batch = 0; batch < 6; batch++) {
      const operations = [];
      for (let i = 0; i < 400; i++) {
        const id = random(300);
        const value = random(4) === 0 ? undefined : u32(batch * 1000 + i);
        operations.push({ cf: DEFAULT_CF, key: u32(id * 7), value });
        if (value === undefined) model.delete(id * 7);
        else model.set(id * 7, hex(value));
      }
      await db.write(operations);
      const expected = [...model.entries()].sort((a, b) => a[0] - b[0]).map(([id, value]) => [hex(u32(id)), value]);
      assert.equal(await collect(db.iterate({ cf: DEFAULT_CF })), expected, `after batch ${batch}`);
    }
  });

  testWithDatabase('a batch with a malformed operation is rejected whole', async (db) => {
    const error = await rejection(
      assert,
      () =>
        db.write([
          { cf: DEFAULT_CF, key: bytes('first'), value: bytes('1') },
          { cf: 'other', key: bytes('second'), value: bytes('2') },
          { cf: DEFAULT_CF, key: 'not bytes', value: bytes('3') },
        ]),
      'write with a string key',
    );
    assert.ok(error instanceof Error, 'rejects with an Error');
    assert.is(await db.get(DEFAULT_CF, bytes('first')), undefined, 'no operation of it applied');
    assert.is(await db.get('other', bytes('second')), undefined, 'in any family');
  });

  testWithDatabase('concurrent writes all apply', async (db) => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.write([{ cf: DEFAULT_CF, key: u32(i), value: u32(i * 2) }])),
    );
    const values = await db.getMany(DEFAULT_CF, Array.from({ length: 20 }, (_, i) => u32(i)));
    assert.equal(values.map(hex), Array.from({ length: 20 }, (_, i) => hex(u32(i * 2))));
  });

  // ---- column families ---------------------------------------------------------------------------

  testWithDatabase('column families are separate key spaces', async (db) => {
    // 'alpha' is a prefix of 'alphabet': a prefix-based emulation must still keep them apart.
    await db.write([
      { cf: 'alpha', key: bytes('k'), value: bytes('in alpha') },
      { cf: 'alphabet', key: bytes('k'), value: bytes('in alphabet') },
      { cf: 'alphabet', key: bytes('bet'), value: bytes('only alphabet') },
      { cf: DEFAULT_CF, key: bytes('k'), value: bytes('in default') },
    ]);
    assert.is(hex(await db.get('alpha', bytes('k'))), hex(bytes('in alpha')));
    assert.is(hex(await db.get('alphabet', bytes('k'))), hex(bytes('in alphabet')));
    assert.is(hex(await db.get(DEFAULT_CF, bytes('k'))), hex(bytes('in default')));
    assert.is(await db.get('alpha', bytes('bet')), undefined, "alphabet's key is not in alpha");
    await db.write([{ cf: 'alpha', key: bytes('k'), value: undefined }]);
    assert.is(await db.get('alpha', bytes('k')), undefined);
    assert.is(hex(await db.get('alphabet', bytes('k'))), hex(bytes('in alphabet')), 'a delete stays in its family');
    assert.equal(await collectKeys(db.iterate({ cf: 'alphabet' })), [hex(bytes('bet')), hex(bytes('k'))]);
    assert.equal(await collectKeys(db.iterate({ cf: 'alpha' })), [], 'iteration stays in its family');
    assert.equal(await collectKeys(db.iterate({ cf: 'alpha', reverse: true })), [], 'in reverse too');
    assert.equal(await collectKeys(db.iterate({ cf: DEFAULT_CF })), [hex(bytes('k'))]);
  });

  testWithDatabase('reading a family that does not exist finds nothing and does not create it', async (db) => {
    assert.is(await db.get('nowhere', bytes('k')), undefined);
    assert.equal(await db.getMany('nowhere', [bytes('k')]), [undefined]);
    assert.equal(await collect(db.iterate({ cf: 'nowhere' })), []);
    assert.equal(await collect(db.iterate({ cf: 'nowhere', reverse: true, gte: bytes('a') })), []);
    assert.ok(!(await db.listColumnFamilies()).includes('nowhere'), 'reads did not create the family');
  });

  testWithBackend('listColumnFamilies: default, the ones asked at open, the ones written', async ({ backend, path }) => {
    const db = await backend.open(path('db'), { columnFamilies: ['declared'] });
    try {
      let families = await db.listColumnFamilies();
      assert.ok(families.includes(DEFAULT_CF), `default always exists (got ${families})`);
      assert.ok(families.includes('declared'), `a family asked at open exists (got ${families})`);
      assert.ok(!families.includes('written'), 'a family not yet written does not');
      await db.write([{ cf: 'written', key: bytes('k'), value: bytes('v') }]);
      families = await db.listColumnFamilies();
      assert.ok(families.includes('written'), `a written family exists (got ${families})`);
      assert.is(new Set(families).size, families.length, 'no name twice');
    } finally {
      await db.close();
    }
    const reopened = await backend.open(path('db'));
    try {
      const families = await reopened.listColumnFamilies();
      assert.ok(families.includes('written') && families.includes(DEFAULT_CF), `after reopen (got ${families})`);
      assert.is(hex(await reopened.get('written', bytes('k'))), hex(bytes('v')));
    } finally {
      await reopened.close();
    }
  });

  // ---- iteration -------------------------------------------------------------------------------

  testWithDatabase('iterate orders keys bytewise, unsigned, prefixes first', async (db) => {
    await writeOrderedKeys(db);
    const entries = await collect(db.iterate({ cf: DEFAULT_CF }));
    assert.equal(
      entries.map(([key]) => key),
      ORDERED_HEX,
    );
    assert.equal(
      entries.map(([, value]) => value),
      ORDERED_KEYS.map((_, i) => hex(Uint8Array.of(i))),
      'each key with its own value',
    );
    assert.equal(await collectKeys(db.iterate({ cf: DEFAULT_CF, reverse: true })), expectedSlice(0, 16, true));
  });

  testWithDatabase('iterate: gte is inclusive, lt exclusive, in both directions', async (db) => {
    await writeOrderedKeys(db);
    // Bounds that are stored keys: [0x61] (index 4) included, [0xff] (index 12) excluded.
    for (const reverse of [false, true]) {
      assert.equal(
        await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes([0x61]), lt: bytes([0xff]), reverse })),
        expectedSlice(4, 12, reverse),
        `stored-key bounds, reverse=${reverse}`,
      );
      // Bounds between stored keys: [0x00, 0x00, 0x05] lands before [0x00, 0x01] (index 2),
      // [0x61, 0x62, 0x00] before [0x61, 0x62, 0x63] (index 7).
      assert.equal(
        await collectKeys(
          db.iterate({ cf: DEFAULT_CF, gte: bytes([0x00, 0x00, 0x05]), lt: bytes([0x61, 0x62, 0x00]), reverse }),
        ),
        expectedSlice(2, 7, reverse),
        `bounds between keys, reverse=${reverse}`,
      );
    }
  });

  testWithDatabase('iterate in reverse honours the lower bound', async (db) => {
    await writeOrderedKeys(db);
    assert.equal(
      await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes([0x80]), reverse: true })),
      expectedSlice(10, 16, true),
      'only gte, reverse',
    );
    assert.equal(
      await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes([0xff, 0xff]), lt: bytes([0xff, 0xff, 0xff]), reverse: true })),
      [hex(bytes([0xff, 0xff]))],
      'a one-key window, reverse',
    );
  });

  testWithDatabase('iterate with one side unbounded', async (db) => {
    await writeOrderedKeys(db);
    for (const reverse of [false, true]) {
      assert.equal(
        await collectKeys(db.iterate({ cf: DEFAULT_CF, lt: bytes([0x61, 0x62]), reverse })),
        expectedSlice(0, 6, reverse),
        `only lt, reverse=${reverse}`,
      );
      assert.equal(
        await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes([0x61, 0x62]), reverse })),
        expectedSlice(6, 16, reverse),
        `only gte, reverse=${reverse}`,
      );
      assert.equal(
        await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes([0x00]), reverse })),
        expectedSlice(0, 16, reverse),
        `gte at the first key, reverse=${reverse}`,
      );
    }
  });

  testWithDatabase('iterate is empty when gte >= lt', async (db) => {
    await writeOrderedKeys(db);
    for (const reverse of [false, true]) {
      const equal = await collect(db.iterate({ cf: DEFAULT_CF, gte: bytes('ab'), lt: bytes('ab'), reverse }));
      assert.equal(equal, [], `gte == lt (a stored key), reverse=${reverse}`);
      const inverted = await collect(db.iterate({ cf: DEFAULT_CF, gte: bytes([0xff]), lt: bytes([0x01]), reverse }));
      assert.equal(inverted, [], `gte > lt, reverse=${reverse}`);
    }
    assert.equal(await collect(db.iterate({ cf: 'empty-family-never-written' })), [], 'an absent family');
  });

  testWithDatabase('iterate stops at the limit', async (db) => {
    await writeOrderedKeys(db);
    assert.equal(await collectKeys(db.iterate({ cf: DEFAULT_CF, limit: 3 })), expectedSlice(0, 3));
    assert.equal(await collectKeys(db.iterate({ cf: DEFAULT_CF, limit: 3, reverse: true })), expectedSlice(13, 16, true));
    assert.equal(
      await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes('a'), lt: bytes([0xff]), limit: 2, reverse: true })),
      expectedSlice(10, 12, true),
      'limit with both bounds, reverse',
    );
    assert.equal(
      await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: bytes('a'), lt: bytes('b'), limit: 100 })),
      expectedSlice(4, 8),
      'a limit above the count',
    );
    assert.equal(await collect(db.iterate({ cf: DEFAULT_CF, limit: 0 })), [], 'limit 0');
  });

  testWithDatabase('iterate reads the state at its first step; writes during it are not seen', async (db) => {
    await db.write(Array.from({ length: 10 }, (_, i) => ({ cf: DEFAULT_CF, key: u32(i * 10), value: u32(i) })));
    for (const reverse of [false, true]) {
      const iterator = db.iterate({ cf: DEFAULT_CF, reverse })[Symbol.asyncIterator]();
      const seen = [];
      const first = await iterator.next();
      seen.push(hex(first.value[0]));
      await db.write([
        { cf: DEFAULT_CF, key: u32(45), value: u32(0) },
        { cf: DEFAULT_CF, key: u32(50), value: undefined },
        { cf: DEFAULT_CF, key: u32(5), value: u32(0) },
        { cf: DEFAULT_CF, key: u32(95), value: u32(0) },
      ]);
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) seen.push(hex(step.value[0]));
      const expected = Array.from({ length: 10 }, (_, i) => hex(u32(i * 10)));
      assert.equal(seen, reverse ? expected.reverse() : expected, `reverse=${reverse}`);
      await db.write([
        { cf: DEFAULT_CF, key: u32(45), value: undefined },
        { cf: DEFAULT_CF, key: u32(50), value: u32(5) },
        { cf: DEFAULT_CF, key: u32(5), value: undefined },
        { cf: DEFAULT_CF, key: u32(95), value: undefined },
      ]);
    }
  });

  testWithDatabase('an iteration left early releases its resources', async (db) => {
    await writeOrderedKeys(db);
    for (let round = 0; round < 5; round++) {
      let taken = 0;
      for await (const entry of db.iterate({ cf: DEFAULT_CF, reverse: round % 2 === 1 })) {
        assert.ok(entry[0] instanceof Uint8Array && entry[1] instanceof Uint8Array, 'entries are [key, value]');
        if (++taken === 2) break;
      }
      assert.is(taken, 2);
    }
    assert.equal((await collectKeys(db.iterate({ cf: DEFAULT_CF }))).length, ORDERED_KEYS.length);
  });

  testWithDatabase('10,000 keys written in batches scan back in order', async (db) => {
    const total = 10_000;
    // Batches of 1,000 keys taken with a stride, so each batch lands all over the key space.
    for (let batch = 0; batch < 10; batch++) {
      const operations = [];
      for (let i = batch; i < total; i += 10) operations.push({ cf: DEFAULT_CF, key: u32(i * 3), value: u32(i) });
      await db.write(operations);
    }
    let expected = 0;
    for await (const [key, value] of db.iterate({ cf: DEFAULT_CF })) {
      if (hex(key) !== hex(u32(expected * 3)) || hex(value) !== hex(u32(expected))) {
        assert.is(hex(key), hex(u32(expected * 3)), `entry ${expected} forward`);
      }
      expected++;
    }
    assert.is(expected, total, 'every key, forward');
    let remaining = total;
    for await (const [key] of db.iterate({ cf: DEFAULT_CF, reverse: true })) {
      remaining--;
      if (hex(key) !== hex(u32(remaining * 3))) assert.is(hex(key), hex(u32(remaining * 3)), `entry ${remaining} reverse`);
    }
    assert.is(remaining, 0, 'every key, reverse');
    const window = await collectKeys(db.iterate({ cf: DEFAULT_CF, gte: u32(3000), lt: u32(9001), reverse: true }));
    assert.is(window.length, 2001, 'a bounded reverse window over many fetch batches');
    assert.is(window[0], hex(u32(9000)));
    assert.is(window.at(-1), hex(u32(3000)));
  });

  // ---- lifecycle -------------------------------------------------------------------------------

  testWithBackend('data survives close and reopen of the same path', async ({ backend, path }) => {
    const db = await backend.open(path('db'));
    await db.write([
      { cf: DEFAULT_CF, key: bytes('kept'), value: bytes('v') },
      { cf: 'family', key: bytes('also'), value: new Uint8Array(0) },
    ]);
    await db.close();
    const reopened = await backend.open(path('db'));
    try {
      assert.is(hex(await reopened.get(DEFAULT_CF, bytes('kept'))), hex(bytes('v')));
      assert.is((await reopened.get('family', bytes('also')))?.length, 0);
      assert.is(reopened.path, path('db'), 'the database knows its path');
    } finally {
      await reopened.close();
    }
    const other = await backend.open(path('other'));
    try {
      assert.is(await other.get(DEFAULT_CF, bytes('kept')), undefined, 'another path is another database');
    } finally {
      await other.close();
    }
  });

  testWithBackend('a second open of an open path throws a StoreLockError until the first closes', async ({ backend, path }) => {
    const first = await backend.open(path('db'));
    let firstClosed = false;
    try {
      await first.write([{ cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') }]);
      const error = await rejection(assert, () => backend.open(path('db')), 'second open');
      assert.ok(error instanceof StoreLockError, `a StoreLockError (got ${error?.name}: ${error?.message})`);
      assert.is(typeof error.code, 'string');
      assert.is(hex(await first.get(DEFAULT_CF, bytes('k'))), hex(bytes('v')), 'the first handle still works');
      await first.close();
      firstClosed = true;
      const second = await backend.open(path('db'));
      try {
        assert.is(hex(await second.get(DEFAULT_CF, bytes('k'))), hex(bytes('v')), 'opens after the first closed');
      } finally {
        await second.close();
      }
    } finally {
      if (!firstClosed) await first.close();
    }
  });

  testWithBackend('every call after close rejects with BACKEND_CLOSED; close is idempotent', async ({ backend, path }) => {
    const db = await backend.open(path('db'));
    await db.write([{ cf: DEFAULT_CF, key: bytes('a'), value: bytes('1') }, { cf: DEFAULT_CF, key: bytes('b'), value: bytes('2') }]);
    const started = db.iterate({ cf: DEFAULT_CF })[Symbol.asyncIterator]();
    assert.is(hex((await started.next()).value[0]), hex(bytes('a')));
    await db.close();
    await db.close();
    const calls = {
      get: () => db.get(DEFAULT_CF, bytes('a')),
      getMany: () => db.getMany(DEFAULT_CF, [bytes('a')]),
      write: () => db.write([{ cf: DEFAULT_CF, key: bytes('c'), value: bytes('3') }]),
      listColumnFamilies: () => db.listColumnFamilies(),
      iterate: () => db.iterate({ cf: DEFAULT_CF })[Symbol.asyncIterator]().next(),
      'an iteration started before close': () => started.next(),
    };
    for (const [name, call] of Object.entries(calls)) {
      const error = await rejection(assert, call, name);
      assert.ok(error instanceof StreamstateError, `${name}: a StreamstateError (got ${error?.name}: ${error?.message})`);
      assert.is(error.code, 'BACKEND_CLOSED', name);
    }
  });

  testWithBackend('destroy removes the database; exists tells', async ({ backend, path }) => {
    assert.is(await backend.exists(path('db')), false, 'nothing before the first open');
    await backend.destroy(path('db'));
    const db = await backend.open(path('db'));
    try {
      await db.write([
        { cf: DEFAULT_CF, key: bytes('k'), value: bytes('v') },
        { cf: 'family', key: bytes('k'), value: bytes('v') },
      ]);
      assert.is(await backend.exists(path('db')), true, 'exists once opened');
      const error = await rejection(assert, () => backend.destroy(path('db')), 'destroy while open');
      assert.ok(error instanceof StoreLockError, `destroying an open database is a StoreLockError (got ${error?.name})`);
      assert.is(hex(await db.get(DEFAULT_CF, bytes('k'))), hex(bytes('v')), 'and leaves it intact');
    } finally {
      await db.close();
    }
    assert.is(await backend.exists(path('db')), true, 'still exists after close');
    await backend.destroy(path('db'));
    assert.is(await backend.exists(path('db')), false, 'gone after destroy');
    const reopened = await backend.open(path('db'));
    try {
      assert.is(await reopened.get(DEFAULT_CF, bytes('k')), undefined, 'a reopened path starts empty');
      assert.equal(await collect(reopened.iterate({ cf: DEFAULT_CF })), []);
      assert.equal(await collect(reopened.iterate({ cf: 'family' })), []);
    } finally {
      await reopened.close();
    }
  });

  testWithBackend('the manifest is the backend\'s', async ({ backend, path }) => {
    for (const field of ['persistent', 'nativeColumnFamilies', 'multiProcess']) {
      assert.is(typeof backend.supports[field], 'boolean', `supports.${field}`);
    }
    assert.ok(['memory', 'rocksdb', 'slatedb'].includes(backend.name), `a known name (${backend.name})`);
    const db = await backend.open(path('db'));
    try {
      assert.equal({ ...db.supports }, { ...backend.supports });
    } finally {
      await db.close();
    }
  });
}
