// The ObjectStore conformance suite: one set of tests every store must pass, independent of the test
// runner. Run it with any runner that has a `test(name, fn)` registration function and an assert
// object with uvu/assert's `ok(value, message)`, `is(actual, expected, message)` (strict equality)
// and `equal(actual, expected, message)` (deep equality).
//
//   import { suite } from 'uvu';
//   import * as assert from 'uvu/assert';
//   const memory = suite('MemoryObjectStore');
//   objectStoreSuite(memory, assert, async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }));
//   memory.run();
//
// makeStore() returns { store, cleanup } for one test: an empty store, and how to dispose of it.

import { bytes, rejection, text } from './support.mjs';

/** `size` bytes that differ with `seed` and are not periodic at short lengths. */
function pattern(size, seed = 1) {
  const data = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    data[i] = x & 0xff;
  }
  return data;
}

function sameBytes(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Register the conformance tests.
 * @param {(name: string, fn: () => Promise<void>) => void} test - registers one test
 * @param {{ ok: Function, is: Function, equal: Function }} assert - uvu/assert-compatible assertions
 * @param {() => Promise<{ store: import('streamstate').ObjectStore, cleanup?: () => Promise<void> }>} makeStore
 */
export function objectStoreSuite(test, assert, makeStore) {
  const it = (name, body) =>
    test(name, async () => {
      const { store, cleanup } = await makeStore();
      try {
        await body(store);
      } finally {
        await cleanup?.();
      }
    });

  /** Await `promise`, which must reject with an error whose `code` is `code`; returns the error. */
  async function rejects(promise, code, what) {
    const error = await rejection(assert, promise, `${what} (code ${code})`);
    assert.is(error.code, code, `${what}: wrong error code (message: ${error.message})`);
    return error;
  }

  const assertBytes = (actual, expected, what) =>
    assert.ok(
      sameBytes(actual, expected),
      `${what}: got ${actual?.length} bytes [${Array.from(actual?.slice?.(0, 8) ?? [])}...], ` +
        `expected ${expected.length} [${Array.from(expected.slice(0, 8))}...]`,
    );

  it('put, get and head round-trip data, size and etag', async (store) => {
    const data = bytes('hello, object store');
    const before = Date.now();
    const version = await store.put('dir/hello.txt', data);
    assert.ok(typeof version.etag === 'string' && version.etag.length > 0, 'put returns an etag');
    const got = await store.get('dir/hello.txt');
    assert.is(text(got.data), 'hello, object store');
    assert.is(got.offset, 0);
    assert.is(got.meta.key, 'dir/hello.txt');
    assert.is(got.meta.size, data.length);
    assert.is(got.meta.etag, version.etag, 'get reports the etag put returned');
    assert.equal(got.metadata, {});
    const head = await store.head('dir/hello.txt');
    assert.is(head.key, 'dir/hello.txt');
    assert.is(head.size, data.length);
    assert.is(head.etag, version.etag, 'head reports the etag put returned');
    assert.equal(head.metadata, {});
    // Stores may round to whole seconds (S3 does): allow that, and nothing like a wrong epoch or unit.
    assert.ok(
      head.lastModified >= before - 2000 && head.lastModified <= Date.now() + 2000,
      `lastModified ${head.lastModified} is not near now (${Date.now()}) in ms since the epoch`,
    );
  });

  it('copies bytes on the way in and out', async (store) => {
    const data = bytes('original');
    await store.put('k', data);
    data.fill(0x21);
    const first = await store.get('k');
    assert.is(text(first.data), 'original', 'mutating the array given to put must not change the object');
    first.data.fill(0x21);
    assert.is(text((await store.get('k')).data), 'original', 'mutating a returned array must not change the object');
    const ranged = await store.get('k', { range: { offset: 0, length: 4 } });
    ranged.data.fill(0x21);
    assert.is(text((await store.get('k')).data), 'original', 'mutating a ranged read must not change the object');
  });

  it('overwrite replaces data and changes the etag', async (store) => {
    const first = await store.put('k', bytes('first version'));
    const second = await store.put('k', bytes('second'));
    assert.ok(second.etag !== first.etag, 'a write of different content must change the etag');
    const got = await store.get('k');
    assert.is(text(got.data), 'second');
    assert.is(got.meta.size, 6);
    assert.is(got.meta.etag, second.etag);
    const explicit = await store.put('k', bytes('third'), { mode: 'overwrite' });
    assert.is(text((await store.get('k')).data), 'third');
    assert.is((await store.head('k')).etag, explicit.etag);
  });

  it('create-if-absent creates once, then throws AlreadyExists and keeps the first object', async (store) => {
    const created = await store.put('manifest/1', bytes('one'), { mode: 'create' });
    assert.is((await store.head('manifest/1')).etag, created.etag);
    const error = await rejects(store.put('manifest/1', bytes('two'), { mode: 'create' }), 'AlreadyExists', 'second create');
    assert.is(error.key, 'manifest/1', 'the error names the key');
    assert.is(text((await store.get('manifest/1')).data), 'one', 'a failed create must not overwrite');
    assert.is((await store.head('manifest/1')).etag, created.etag);
  });

  it('concurrent creates of one key: exactly one wins', async (store) => {
    const contenders = 10;
    const results = await Promise.allSettled(
      Array.from({ length: contenders }, (_, i) => store.put('wal/00001.sst', bytes(`writer ${i}`), { mode: 'create' })),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.is(winners.length, 1, `exactly one create must succeed, got ${winners.length}`);
    for (const r of results) {
      if (r.status === 'rejected') assert.is(r.reason.code, 'AlreadyExists', `losers get AlreadyExists: ${r.reason.message}`);
    }
    const winner = winners[0];
    assert.is(text((await store.get('wal/00001.sst')).data), `writer ${winner}`, "the winner's data is stored");
    assert.is((await store.head('wal/00001.sst')).etag, results[winner].value.etag);
  });

  it('compare-and-swap succeeds on the current etag and returns a new one', async (store) => {
    const v1 = await store.put('m', bytes('v1'));
    const v2 = await store.put('m', bytes('v2'), { mode: { etag: v1.etag } });
    assert.ok(typeof v2.etag === 'string' && v2.etag !== v1.etag, 'a swap returns the new etag');
    assert.is(text((await store.get('m')).data), 'v2');
    assert.is((await store.head('m')).etag, v2.etag);
    const v3 = await store.put('m', bytes('v3'), { mode: { etag: v2.etag } });
    assert.is(text((await store.get('m')).data), 'v3', 'a swap from the returned etag works');
    assert.is((await store.head('m')).etag, v3.etag);
  });

  it('compare-and-swap with a stale etag throws Precondition and changes nothing', async (store) => {
    const v1 = await store.put('m', bytes('v1'));
    const v2 = await store.put('m', bytes('v2'));
    const error = await rejects(store.put('m', bytes('lost'), { mode: { etag: v1.etag } }), 'Precondition', 'stale swap');
    assert.is(error.key, 'm');
    assert.is(text((await store.get('m')).data), 'v2');
    assert.is((await store.head('m')).etag, v2.etag);
  });

  it('compare-and-swap on a missing key throws Precondition and creates nothing', async (store) => {
    const other = await store.put('elsewhere', bytes('x'));
    await rejects(store.put('missing', bytes('x'), { mode: { etag: other.etag } }), 'Precondition', 'swap on missing key');
    await rejects(store.head('missing'), 'NotFound', 'the key stays absent');
  });

  it('compare-and-swap without an etag throws InvalidArgument', async (store) => {
    await store.put('m', bytes('v1'));
    await rejects(store.put('m', bytes('v2'), { mode: {} }), 'InvalidArgument', 'swap without etag');
    assert.is(text((await store.get('m')).data), 'v1');
  });

  it('concurrent compare-and-swaps from one etag: exactly one wins', async (store) => {
    const base = await store.put('manifest', bytes('base'));
    const contenders = 10;
    const results = await Promise.allSettled(
      Array.from({ length: contenders }, (_, i) => store.put('manifest', bytes(`next ${i}`), { mode: { etag: base.etag } })),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.is(winners.length, 1, `exactly one swap must succeed, got ${winners.length}`);
    for (const r of results) {
      if (r.status === 'rejected') assert.is(r.reason.code, 'Precondition', `losers get Precondition: ${r.reason.message}`);
    }
    const winner = winners[0];
    assert.is(text((await store.get('manifest')).data), `next ${winner}`);
    assert.is((await store.head('manifest')).etag, results[winner].value.etag);
  });

  it('ranged get: offset and length, offset only, suffix, clamping', async (store) => {
    const data = pattern(100, 7);
    await store.put('r', data);
    const mid = await store.get('r', { range: { offset: 10, length: 20 } });
    assertBytes(mid.data, data.slice(10, 30), 'offset 10 length 20');
    assert.is(mid.offset, 10);
    assert.is(mid.meta.size, 100, 'meta.size is the whole object');
    const tail = await store.get('r', { range: { offset: 90 } });
    assertBytes(tail.data, data.slice(90), 'offset 90 to the end');
    assert.is(tail.offset, 90);
    const last = await store.get('r', { range: { offset: 99, length: 1 } });
    assertBytes(last.data, data.slice(99), 'the last byte');
    const clamped = await store.get('r', { range: { offset: 95, length: 50 } });
    assertBytes(clamped.data, data.slice(95), 'a length past the end is cut at the end');
    assert.is(clamped.offset, 95);
    const suffix = await store.get('r', { range: { suffix: 10 } });
    assertBytes(suffix.data, data.slice(90), 'suffix 10');
    assert.is(suffix.offset, 90);
    assert.is(suffix.meta.size, 100);
    const longSuffix = await store.get('r', { range: { suffix: 1000 } });
    assertBytes(longSuffix.data, data, 'a suffix longer than the object reads all of it');
    assert.is(longSuffix.offset, 0);
    const zero = await store.get('r', { range: { offset: 5, length: 0 } });
    assert.is(zero.data.length, 0, 'a zero-length range reads nothing');
    assert.is(zero.offset, 5);
    assert.is(zero.meta.size, 100);
  });

  it('ranged get starting at or past the end throws InvalidRange', async (store) => {
    await store.put('r', pattern(100));
    const error = await rejects(store.get('r', { range: { offset: 100 } }), 'InvalidRange', 'offset == size');
    assert.is(error.key, 'r');
    await rejects(store.get('r', { range: { offset: 150, length: 10 } }), 'InvalidRange', 'offset past the end');
    await rejects(store.get('r', { range: { offset: -1, length: 10 } }), 'InvalidArgument', 'negative offset');
    await rejects(store.get('r', { range: { suffix: 1.5 } }), 'InvalidArgument', 'fractional suffix');
  });

  it('get and head of a missing key throw NotFound', async (store) => {
    const fromGet = await rejects(store.get('nope/nothing'), 'NotFound', 'get');
    assert.is(fromGet.key, 'nope/nothing');
    const fromHead = await rejects(store.head('nope/nothing'), 'NotFound', 'head');
    assert.is(fromHead.key, 'nope/nothing');
    await rejects(store.get('nope/nothing', { range: { offset: 0, length: 1 } }), 'NotFound', 'ranged get');
  });

  it('delete removes the object and is idempotent', async (store) => {
    await store.put('d/1', bytes('x'));
    await store.put('d/2', bytes('y'));
    await store.delete('d/1');
    await rejects(store.get('d/1'), 'NotFound', 'get after delete');
    await rejects(store.head('d/1'), 'NotFound', 'head after delete');
    assert.equal((await store.list('d/')).map((m) => m.key), ['d/2'], 'list after delete');
    await store.delete('d/1');
    await store.delete('never/existed');
    assert.is(text((await store.get('d/2')).data), 'y', 'other objects are untouched');
    await store.put('d/1', bytes('again'), { mode: 'create' });
    assert.is(text((await store.get('d/1')).data), 'again', 'a deleted key can be created again');
  });

  it('list filters by string prefix, sorts ascending, includes nested keys', async (store) => {
    const keys = ['b', 'a/2', 'ab', 'a/b/c', 'a/10', 'a/1'];
    const etags = {};
    for (const [i, key] of keys.entries()) etags[key] = (await store.put(key, pattern(i + 1, i))).etag;
    const all = await store.list('');
    assert.equal(all.map((m) => m.key), ['a/1', 'a/10', 'a/2', 'a/b/c', 'ab', 'b']);
    for (const meta of all) {
      assert.is(meta.size, keys.indexOf(meta.key) + 1, `size of ${meta.key}`);
      assert.is(meta.etag, etags[meta.key], `etag of ${meta.key} matches its put`);
      assert.ok(typeof meta.lastModified === 'number' && meta.lastModified > 0, `lastModified of ${meta.key}`);
    }
    assert.equal((await store.list('a/')).map((m) => m.key), ['a/1', 'a/10', 'a/2', 'a/b/c']);
    assert.equal((await store.list('a')).map((m) => m.key), ['a/1', 'a/10', 'a/2', 'a/b/c', 'ab']);
    assert.equal((await store.list('a/1')).map((m) => m.key), ['a/1', 'a/10'], 'a prefix may end inside a name');
    assert.equal((await store.list('a/b')).map((m) => m.key), ['a/b/c']);
    assert.equal((await store.list('a/b/c')).map((m) => m.key), ['a/b/c']);
    assert.equal(await store.list('zz'), []);
    assert.equal(await store.list('a/3'), []);
  });

  it('list with offset returns only keys strictly greater', async (store) => {
    for (const key of ['w/1', 'w/2', 'w/3', 'w/x/1', 'x/1']) await store.put(key, bytes(key));
    assert.equal((await store.list('w/', { offset: 'w/2' })).map((m) => m.key), ['w/3', 'w/x/1'], 'offset is exclusive');
    assert.equal((await store.list('w/', { offset: 'w/25' })).map((m) => m.key), ['w/3', 'w/x/1'], 'offset need not exist');
    assert.equal((await store.list('w/', { offset: 'a' })).map((m) => m.key), ['w/1', 'w/2', 'w/3', 'w/x/1'], 'offset before the prefix');
    assert.equal((await store.list('w/', { offset: 'w/x' })).map((m) => m.key), ['w/x/1'], 'offset a prefix of a nested key');
    assert.equal(await store.list('w/', { offset: 'w/x/1' }), []);
    assert.equal((await store.list('', { offset: 'w/3' })).map((m) => m.key), ['w/x/1', 'x/1']);
  });

  it('list orders by code point (UTF-8 byte order), as S3 does', async (store) => {
    // UTF-16 code-unit order would put the emoji (a surrogate pair) before U+FFFD.
    const keys = ['u/\u{1F600}', 'u/\uFFFD', 'u/z', 'u/\u00e9'];
    for (const key of keys) await store.put(key, bytes(key));
    assert.equal((await store.list('u/')).map((m) => m.key), ['u/z', 'u/\u00e9', 'u/\uFFFD', 'u/\u{1F600}']);
    assert.equal((await store.list('u/', { offset: 'u/\uFFFD' })).map((m) => m.key), ['u/\u{1F600}']);
    assert.is(text((await store.get('u/\u{1F600}')).data), 'u/\u{1F600}');
  });

  it('copy duplicates data and metadata, with and without ifNotExists', async (store) => {
    await store.put('src', bytes('payload'), { metadata: { origin: 'test', slatedbputid: 'abc-123' } });
    await store.copy('src', 'dst');
    const copied = await store.get('dst');
    assert.is(text(copied.data), 'payload');
    assert.equal(copied.metadata, { origin: 'test', slatedbputid: 'abc-123' }, 'copy keeps user metadata');
    assert.is(text((await store.get('src')).data), 'payload', 'the source stays');

    await store.put('existing', bytes('old'));
    await store.copy('src', 'existing');
    assert.is(text((await store.get('existing')).data), 'payload', 'a plain copy overwrites');

    await store.put('kept', bytes('keep me'));
    const error = await rejects(store.copy('src', 'kept', { ifNotExists: true }), 'AlreadyExists', 'copy ifNotExists onto an object');
    assert.is(error.key, 'kept');
    assert.is(text((await store.get('kept')).data), 'keep me', 'ifNotExists never overwrites');

    await store.copy('src', 'fresh', { ifNotExists: true });
    const fresh = await store.get('fresh');
    assert.is(text(fresh.data), 'payload');
    assert.equal(fresh.metadata, { origin: 'test', slatedbputid: 'abc-123' });

    await rejects(store.copy('no-such-source', 'x'), 'NotFound', 'copy from a missing key');
    await rejects(store.copy('no-such-source', 'y', { ifNotExists: true }), 'NotFound', 'copy ifNotExists from a missing key');
    await rejects(store.head('x'), 'NotFound', 'a failed copy creates nothing');
  });

  it('user metadata round-trips through get and head and follows the latest write', async (store) => {
    const metadata = { slatedbputid: '0192f0a4-7d2e-7c3a-9f00-1234567890ab', 'content-kind': 'manifest', 'v.2_x': 'a b=c;d' };
    await store.put('meta', bytes('x'), { metadata });
    metadata.slatedbputid = 'changed after put';
    const expected = { slatedbputid: '0192f0a4-7d2e-7c3a-9f00-1234567890ab', 'content-kind': 'manifest', 'v.2_x': 'a b=c;d' };
    assert.equal((await store.get('meta')).metadata, expected, 'get returns the metadata as put');
    assert.equal((await store.head('meta')).metadata, expected, 'head returns the metadata as put');
    assert.equal((await store.get('meta', { range: { suffix: 1 } })).metadata, expected, 'ranged get too');
    const returned = (await store.head('meta')).metadata;
    returned.slatedbputid = 'mutated';
    assert.equal((await store.head('meta')).metadata, expected, 'mutating returned metadata changes nothing');

    const swapped = await store.put('meta', bytes('y'), { mode: { etag: (await store.head('meta')).etag }, metadata: { round: '2' } });
    assert.equal((await store.get('meta')).metadata, { round: '2' }, 'a swap replaces the metadata');
    assert.is((await store.head('meta')).etag, swapped.etag);
    await store.put('meta', bytes('z'));
    assert.equal((await store.head('meta')).metadata, {}, 'a write without metadata clears it');
  });

  it('metadata that would not round-trip everywhere is refused with InvalidArgument', async (store) => {
    await rejects(store.put('m', bytes('x'), { metadata: { UpperCase: 'x' } }), 'InvalidArgument', 'upper-case name');
    await rejects(store.put('m', bytes('x'), { metadata: { name: 'caf\u00e9' } }), 'InvalidArgument', 'non-ASCII value');
    await rejects(store.put('m', bytes('x'), { metadata: { name: ' padded' } }), 'InvalidArgument', 'leading space');
    await rejects(store.put('m', bytes('x'), { metadata: { name: 'x'.repeat(3000) } }), 'InvalidArgument', 'over 2 KB');
    await rejects(store.head('m'), 'NotFound', 'nothing was written');
  });

  it('the empty object', async (store) => {
    const version = await store.put('empty', new Uint8Array(0), { metadata: { kind: 'empty' } });
    const got = await store.get('empty');
    assert.is(got.data.length, 0);
    assert.is(got.meta.size, 0);
    assert.is(got.meta.etag, version.etag);
    assert.equal(got.metadata, { kind: 'empty' });
    assert.is((await store.head('empty')).size, 0);
    assert.equal((await store.list('empty')).map((m) => [m.key, m.size]), [['empty', 0]]);
    const suffix = await store.get('empty', { range: { suffix: 5 } });
    assert.is(suffix.data.length, 0, 'a suffix of an empty object is empty');
    assert.is(suffix.offset, 0);
    await rejects(store.get('empty', { range: { offset: 0 } }), 'InvalidRange', 'offset 0 of an empty object');
  });

  it('a 5 MB object round-trips whole and in ranges', async (store) => {
    const size = 5 * 1024 * 1024;
    const data = pattern(size, 42);
    const version = await store.put('big/sst', data);
    const got = await store.get('big/sst');
    assertBytes(got.data, data, 'whole object');
    assert.is(got.meta.size, size);
    assert.is(got.meta.etag, version.etag);
    const middle = await store.get('big/sst', { range: { offset: 3_000_000, length: 1_000_000 } });
    assertBytes(middle.data, data.slice(3_000_000, 4_000_000), 'a 1 MB range in the middle');
    const end = await store.get('big/sst', { range: { suffix: 4096 } });
    assertBytes(end.data, data.slice(size - 4096), 'the last 4 KB');
    assert.is(end.offset, size - 4096);
    assert.equal((await store.list('big/')).map((m) => [m.key, m.size]), [['big/sst', size]]);
  });

  it('rejects keys that are not non-empty strings', async (store) => {
    await rejects(store.put('', bytes('x')), 'InvalidArgument', 'empty key');
    await rejects(store.get(''), 'InvalidArgument', 'empty key on get');
    await rejects(store.put('k', 'not bytes'), 'InvalidArgument', 'a string as data');
  });
}
