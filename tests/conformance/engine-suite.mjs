// The SlateDB engine's behaviour, independent of the test runner and of the object store:
// `engineSuite(test, assert, makeStore)` registers tests with `test(name, fn)`; `makeStore()`
// resolves to `{ store, cleanup }` with a fresh, empty ObjectStore. Every test has a deadline (60 s,
// the compaction test 180 s), so an engine whose flush, WAL replay or compaction stopped fails the
// test instead of stalling the run.
import { SlateDb, SlateDbError, WriteBatch } from 'streamstate';
import { deadlined } from '../helpers/deadline.mjs';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s) => enc.encode(s);
const s = (u) => (u === undefined ? undefined : dec.decode(u));

/** Settings that keep background work fast in tests. */
export const FAST = { flushInterval: 10, manifestPollInterval: 50 };

async function collect(iterable) {
  const out = [];
  for await (const [k, v] of iterable) out.push([s(k), s(v)]);
  return out;
}

async function withDb(makeStore, fn, settings = FAST) {
  const { store, cleanup } = await makeStore();
  const db = await SlateDb.open('db', { objectStore: store, settings });
  try {
    await fn(db, store);
  } finally {
    await db.close();
    await cleanup();
  }
}

async function expectCode(promiseOrFn, code, assert) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    assert.instance(err, SlateDbError, `expected a SlateDbError, got ${err}`);
    assert.is(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.unreachable(`expected a ${code} error`);
}

export function engineSuite(runnerTest, assert, makeStore) {
  const test = deadlined(runnerTest);
  test('put, get and delete round-trip bytes', async () => {
    await withDb(makeStore, async (db) => {
      assert.is(await db.get(b('missing')), undefined);
      await db.put(b('k1'), b('v1'));
      await db.put(b('k2'), new Uint8Array([0, 255, 1]));
      assert.is(s(await db.get(b('k1'))), 'v1');
      assert.equal([...(await db.get(b('k2')))], [0, 255, 1]);
      await db.put(b('k1'), b('v1b'));
      assert.is(s(await db.get(b('k1'))), 'v1b');
      await db.delete(b('k1'));
      assert.is(await db.get(b('k1')), undefined);
      await db.put(b('empty'), new Uint8Array(0));
      const empty = await db.get(b('empty'));
      assert.ok(empty instanceof Uint8Array, 'an empty value is a value');
      assert.is(empty.length, 0);
    });
  });

  test('getMany answers aligned with the keys', async () => {
    await withDb(makeStore, async (db) => {
      await db.put(b('a'), b('1'));
      await db.put(b('c'), b('3'));
      const got = await db.getMany([b('a'), b('b'), b('c')]);
      assert.equal(got.map(s), ['1', undefined, '3']);
      assert.equal(await db.getMany([]), []);
    });
  });

  test('a write batch applies puts and deletes atomically, later operations winning', async () => {
    await withDb(makeStore, async (db) => {
      await db.put(b('gone'), b('x'));
      const batch = new WriteBatch().put(b('a'), b('1')).put(b('b'), b('2')).delete(b('gone'));
      batch.put(b('a'), b('1b')).delete(b('b'));
      assert.is(batch.size, 5);
      await db.write(batch);
      assert.is(s(await db.get(b('a'))), '1b');
      assert.is(await db.get(b('b')), undefined);
      assert.is(await db.get(b('gone')), undefined);
      await db.write(new WriteBatch());
    });
  });

  test('a write batch copies its bytes when they are added', async () => {
    await withDb(makeStore, async (db) => {
      const key = b('key');
      const value = b('before');
      const batch = new WriteBatch().put(key, value);
      value.set(b('AFTER!'));
      key.set(b('zzz'));
      await db.write(batch);
      assert.is(s(await db.get(b('key'))), 'before');
    });
  });

  test('scans honour every bound in both directions', async () => {
    await withDb(makeStore, async (db) => {
      const batch = new WriteBatch();
      for (const k of ['a', 'b', 'c', 'd', 'e']) batch.put(b(k), b(k.toUpperCase()));
      await db.write(batch);
      const keys = async (o) => (await collect(db.scan(o))).map(([k]) => k);
      assert.equal(await keys({}), ['a', 'b', 'c', 'd', 'e']);
      assert.equal(await keys({ reverse: true }), ['e', 'd', 'c', 'b', 'a']);
      assert.equal(await keys({ gte: b('b'), lt: b('d') }), ['b', 'c']);
      assert.equal(await keys({ gte: b('b'), lt: b('d'), reverse: true }), ['c', 'b']);
      assert.equal(await keys({ gt: b('b'), lte: b('d') }), ['c', 'd']);
      assert.equal(await keys({ gt: b('b'), lte: b('d'), reverse: true }), ['d', 'c']);
      assert.equal(await keys({ gte: b('b') }), ['b', 'c', 'd', 'e']);
      assert.equal(await keys({ gte: b('b'), reverse: true }), ['e', 'd', 'c', 'b'], 'reverse honours the lower bound');
      assert.equal(await keys({ lt: b('c'), reverse: true }), ['b', 'a']);
      assert.equal(await keys({ gte: b('bb'), lt: b('dd') }), ['c', 'd']);
      assert.equal(await keys({ gte: b('a'), limit: 2 }), ['a', 'b']);
      assert.equal(await keys({ reverse: true, limit: 3 }), ['e', 'd', 'c']);
      assert.equal(await keys({ limit: 0 }), []);
    });
  });

  test('a scan returns every entry however many pages of bytes it spans (3,000 entries of 1.1 KB)', async () => {
    await withDb(makeStore, async (db) => {
      const N = 3000;
      const key = (i) => `key-${String(i).padStart(5, '0')}`;
      const value = (i) => `${i}:`.padEnd(1100, 'v');
      for (let i = 0; i < N; i += 500) {
        const batch = new WriteBatch();
        for (let j = i; j < i + 500; j++) batch.put(b(key(j)), b(value(j)));
        await db.write(batch);
      }
      const check = async (when) => {
        for (const reverse of [false, true]) {
          const keys = [];
          for await (const [k, v] of db.scan({ reverse })) {
            const i = keys.length;
            const want = reverse ? N - 1 - i : i;
            if (s(k) !== key(want)) assert.unreachable(`${when}, reverse=${reverse}: entry ${i} is ${s(k)}, expected ${key(want)}`);
            if (i % 499 === 0) assert.is(s(v), value(want));
            keys.push(k);
          }
          assert.is(keys.length, N, `${when}, reverse=${reverse}: every entry`);
          let bounded = 0;
          for await (const _ of db.scan({ gte: b(key(100)), lt: b(key(2900)), reverse })) bounded++;
          assert.is(bounded, 2800, `${when}, reverse=${reverse}: a bounded scan`);
          let limited = 0;
          for await (const _ of db.scan({ reverse, limit: 2500 })) limited++;
          assert.is(limited, 2500, `${when}, reverse=${reverse}: a limit above a page`);
        }
      };
      await check('in the memtable');
      await db.flush('memtable');
      await check('after a memtable flush');
    });
  });

  test('ranges that can hold no key are empty scans, and the database stays usable', async () => {
    await withDb(makeStore, async (db) => {
      await db.put(b('b'), b('1'));
      const none = async (o) => assert.equal(await collect(db.scan(o)), [], JSON.stringify(Object.keys(o)));
      await none({ gte: b('b'), lt: b('b') });
      await none({ gt: b('b'), lte: b('b') });
      await none({ gt: b('b'), lt: b('b') });
      await none({ gte: b('c'), lt: b('a') });
      await none({ gte: b('c'), lt: b('a'), reverse: true });
      assert.equal(await collect(db.scan({ gte: b('b'), lte: b('b') })), [['b', '1']]);
      assert.is(s(await db.get(b('b'))), '1');
    });
  });

  test('keys are ordered bytewise, a prefix before its extensions', async () => {
    await withDb(makeStore, async (db) => {
      const keys = [[0x00], [0x01], [0x01, 0x00], [0x7f], [0x80], [0xff], [0xff, 0xff]];
      const batch = new WriteBatch();
      for (const k of [...keys].reverse()) batch.put(new Uint8Array(k), new Uint8Array([1]));
      await db.write(batch);
      const got = [];
      for await (const [k] of db.scan()) got.push([...k]);
      assert.equal(got, keys);
      const back = [];
      for await (const [k] of db.scan({ reverse: true })) back.push([...k]);
      assert.equal(back, [...keys].reverse());
    });
  });

  test('a scan sees a snapshot: writes made while iterating do not appear', async () => {
    await withDb(makeStore, async (db) => {
      const batch = new WriteBatch();
      for (let i = 0; i < 100; i++) batch.put(b(`k${String(i).padStart(3, '0')}`), b('v'));
      await db.write(batch);
      let n = 0;
      for await (const [k] of db.scan()) {
        if (n === 0) await db.put(b('k050x'), b('new'));
        n++;
        assert.ok(s(k) !== 'k050x');
      }
      assert.is(n, 100);
    });
  });

  test('concurrent calls from JavaScript are safe', async () => {
    await withDb(makeStore, async (db) => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => db.put(b(`c${i}`), b(String(i)), { awaitDurable: false })));
      const values = await Promise.all(Array.from({ length: 50 }, (_, i) => db.get(b(`c${i}`))));
      assert.equal(values.map(s), Array.from({ length: 50 }, (_, i) => String(i)));
      const iterable = db.scan({ gte: b('c') });
      const [x, y] = await Promise.all([collect(iterable), collect(db.scan({ gte: b('c') }))]);
      assert.is(x.length, 50);
      assert.equal(x, y);
    });
  });

  test('bad input gets a clear error and loses nothing', async () => {
    await withDb(makeStore, async (db) => {
      await db.put(b('keep'), b('safe'));
      await expectCode(() => db.put(new Uint8Array(0), b('x')), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.get(new Uint8Array(0)), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.put(new Uint8Array(70000), b('x')), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.put('text', b('x')), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.put(b('k'), 'text'), 'INVALID_ARGUMENT', assert);
      await expectCode(() => new WriteBatch().put(new Uint8Array(0), b('x')), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.write({}), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.scan({ gte: b('a'), gt: b('a') }), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.scan({ limit: -1 }), 'INVALID_ARGUMENT', assert);
      await expectCode(() => db.flush('sideways'), 'INVALID_ARGUMENT', assert);
      assert.is(s(await db.get(b('keep'))), 'safe');
      await db.put(b('after'), b('ok'));
      assert.is(s(await db.get(b('after'))), 'ok');
    });
  });

  test('nonsense settings and a store missing a method are refused at open', async () => {
    const { store, cleanup } = await makeStore();
    try {
      const err = await expectCode(
        SlateDb.open('db', { objectStore: store, settings: { flushIntervall: 10 } }),
        'INVALID_ARGUMENT',
        assert,
      );
      assert.match(err.message, /flush_intervall/);
      assert.match(err.message, /flush_interval/, 'the message lists the valid settings');
      await expectCode(SlateDb.open('db', { objectStore: store, settings: { l0SstSizeBytes: 'big' } }), 'INVALID_ARGUMENT', assert);
      await expectCode(SlateDb.open('db', { objectStore: store, settings: 'fast' }), 'INVALID_ARGUMENT', assert);
      const broken = { put: store.put.bind(store), get: store.get.bind(store) };
      const missing = await expectCode(SlateDb.open('db', { objectStore: broken }), 'INVALID_ARGUMENT', assert);
      assert.match(missing.message, /head/);
      await expectCode(SlateDb.open('', { objectStore: store }), 'INVALID_ARGUMENT', assert);
      // Nothing was created by the refused opens: a real open still starts empty and works.
      const db = await SlateDb.open('db', { objectStore: store, settings: FAST });
      assert.equal(await collect(db.scan()), []);
      await db.close();
    } finally {
      await cleanup();
    }
  });

  test('a closed database says so, and close is idempotent', async () => {
    const { store, cleanup } = await makeStore();
    const db = await SlateDb.open('db', { objectStore: store, settings: FAST });
    await db.put(b('k'), b('v'));
    await db.close();
    await db.close();
    assert.ok(db.closed);
    await expectCode(() => db.get(b('k')), 'CLOSED', assert);
    await expectCode(() => db.put(b('k'), b('w')), 'CLOSED', assert);
    const reopened = await SlateDb.open('db', { objectStore: store, settings: FAST });
    assert.is(s(await reopened.get(b('k'))), 'v');
    await reopened.close();
    await cleanup();
  });

  test('data survives close and reopen, memtable flushes included', async () => {
    const { store, cleanup } = await makeStore();
    const db = await SlateDb.open('db', { objectStore: store, settings: FAST });
    await db.put(b('wal-only'), b('1'));
    await db.put(b('flushed'), b('2'));
    await db.flush('memtable');
    await db.close();
    const again = await SlateDb.open('db', { objectStore: store, settings: FAST });
    assert.equal(await collect(again.scan()), [['flushed', '2'], ['wal-only', '1']]);
    await again.close();
    await cleanup();
  });

  test('a reopen after an unclean stop recovers every durable write (WAL replay)', async () => {
    const { store, cleanup } = await makeStore();
    const abandoned = await SlateDb.open('db', { objectStore: store, settings: FAST });
    for (let i = 0; i < 20; i++) await abandoned.put(b(`d${i}`), b(String(i)));
    await abandoned.write(new WriteBatch().put(b('batch'), b('yes')).delete(b('d0')));
    // No close: the next open replays the WAL (and fences the abandoned writer).
    const recovered = await SlateDb.open('db', { objectStore: store, settings: FAST });
    for (let i = 1; i < 20; i++) assert.is(s(await recovered.get(b(`d${i}`))), String(i));
    assert.is(await recovered.get(b('d0')), undefined);
    assert.is(s(await recovered.get(b('batch'))), 'yes');
    await recovered.close();
    await abandoned.close().catch(() => {});
    await cleanup();
  });

  test('a second writer fences the first, whose writes then fail with FENCED', async () => {
    const { store, cleanup } = await makeStore();
    const first = await SlateDb.open('db', { objectStore: store, settings: FAST });
    await first.put(b('from-first'), b('1'));
    const second = await SlateDb.open('db', { objectStore: store, settings: FAST });
    await second.put(b('from-second'), b('2'));
    const err = await expectCode(() => first.put(b('late'), b('x')), 'FENCED', assert);
    assert.match(err.message, /fenced/i);
    assert.is(s(await second.get(b('from-first'))), '1');
    assert.is(await second.get(b('late')), undefined);
    await second.close();
    await first.close().catch(() => {});
    await cleanup();
  });

  test('the block cache serves repeated reads of flushed data without the object store', async () => {
    const { store, cleanup } = await makeStore();
    let gets = 0;
    const counting = {
      put: (...a) => store.put(...a),
      get: (...a) => {
        gets++;
        return store.get(...a);
      },
      head: (...a) => store.head(...a),
      list: (...a) => store.list(...a),
      delete: (...a) => store.delete(...a),
      copy: (...a) => store.copy(...a),
    };
    for (const [cacheBytes, expectSecondReadGets] of [[undefined, false], [0, true]]) {
      const path = `cache-${cacheBytes ?? 'default'}`;
      const db = await SlateDb.open(path, { objectStore: counting, settings: FAST, cacheBytes });
      const batch = new WriteBatch();
      for (let i = 0; i < 5000; i++) batch.put(b(`k${String(i).padStart(4, '0')}`), b(`v${i}`.padEnd(100, '.')));
      await db.write(batch);
      await db.flush('memtable');
      await db.close();
      const reopened = await SlateDb.open(path, { objectStore: counting, settings: FAST, cacheBytes });
      assert.is(s(await reopened.get(b('k0123'))), 'v123'.padEnd(100, '.'));
      const before = gets;
      assert.is(s(await reopened.get(b('k0124'))), 'v124'.padEnd(100, '.'));
      assert.is(gets > before, expectSecondReadGets, `cacheBytes=${cacheBytes}: object-store gets on the second read: ${gets - before}`);
      const scanKeys = async (options) => {
        const keys = [];
        for await (const [k] of reopened.scan({ gte: b('k0200'), lt: b('k0260'), ...options })) keys.push(s(k));
        return keys;
      };
      assert.is((await scanKeys({})).length, 60);
      const beforeScan = gets;
      assert.is((await scanKeys({ reverse: true })).length, 60);
      assert.is(gets > beforeScan, expectSecondReadGets, `cacheBytes=${cacheBytes}: a repeated scan is served from the cache`);
      const uncachedGets = gets;
      await scanKeys({ gte: b('k4000'), lt: b('k4060'), cacheBlocks: false });
      const afterFirst = gets;
      await scanKeys({ gte: b('k4000'), lt: b('k4060'), cacheBlocks: false });
      assert.ok(afterFirst > uncachedGets && gets > afterFirst, 'a scan with cacheBlocks: false goes to the store each time');
      await reopened.close();
    }
    await cleanup();
  });

  test('a store that fails permanently makes open fail, not hang, and says why', async () => {
    const { store, cleanup } = await makeStore();
    const refusing = {
      put: async (key) => {
        const err = new Error(`refusing to write ${key}`);
        err.code = 'InvalidArgument';
        throw err;
      },
      get: (...a) => store.get(...a),
      head: (...a) => store.head(...a),
      list: (...a) => store.list(...a),
      delete: (...a) => store.delete(...a),
      copy: (...a) => store.copy(...a),
    };
    try {
      await SlateDb.open('db', { objectStore: refusing, settings: FAST });
      assert.unreachable('open should fail');
    } catch (err) {
      assert.instance(err, SlateDbError);
      assert.match(err.message, /refusing to write/);
    }
    const throwing = { ...refusing, put: () => { throw new TypeError('put is broken'); } };
    try {
      await SlateDb.open('db', { objectStore: throwing, settings: FAST });
      assert.unreachable('open should fail');
    } catch (err) {
      assert.instance(err, SlateDbError);
      assert.match(err.message, /put\(\) threw: put is broken/);
    }
    await cleanup();
  });

  test('an unavailable object store gives UNAVAILABLE once retries run out; durable data survives it', async () => {
    const { store, cleanup } = await makeStore();
    let down = false;
    const outage = () => Promise.reject(new Error('connection reset by peer'));
    const flaky = {
      put: (...a) => (down ? outage() : store.put(...a)),
      get: (...a) => (down ? outage() : store.get(...a)),
      head: (...a) => (down ? outage() : store.head(...a)),
      list: (...a) => (down ? outage() : store.list(...a)),
      delete: (...a) => (down ? outage() : store.delete(...a)),
      copy: (...a) => (down ? outage() : store.copy(...a)),
    };
    const settings = { ...FAST, objectStoreMaxRetries: 2 };
    const db = await SlateDb.open('db', { objectStore: flaky, settings });
    await db.put(b('before'), b('durable'));
    down = true;
    const err = await expectCode(() => db.put(b('during'), b('x')), 'UNAVAILABLE', assert);
    assert.match(err.message, /connection reset by peer/);
    await expectCode(SlateDb.open('other', { objectStore: flaky, settings }), 'UNAVAILABLE', assert);
    down = false;
    await db.close().catch(() => {});
    const reopened = await SlateDb.open('db', { objectStore: flaky, settings });
    assert.is(s(await reopened.get(b('before'))), 'durable');
    await reopened.close();
    await cleanup();
  });

  test('a truncated or garbage manifest is DATA_CORRUPTION at open', async () => {
    const { store, cleanup } = await makeStore();
    const db = await SlateDb.open('db', { objectStore: store, settings: FAST });
    await db.put(b('k'), b('v'));
    await db.close();
    const manifests = (await store.list('db/manifest/')).map((m) => m.key);
    const latest = manifests[manifests.length - 1];
    const { data } = await store.get(latest);
    for (const broken of [data.slice(0, data.length >> 1), b('not a manifest at all')]) {
      await store.put(latest, broken);
      const err = await expectCode(SlateDb.open('db', { objectStore: store, settings: FAST }), 'DATA_CORRUPTION', assert);
      assert.match(err.message, /manifest/i);
    }
    await cleanup();
  });

  test('the pure-Rust compression codecs round-trip; zstd (not built in) is refused at open', async () => {
    for (const codec of ['snappy', 'Lz4', 'zlib']) {
      const { store, cleanup } = await makeStore();
      const db = await SlateDb.open('db', { objectStore: store, settings: { ...FAST, compressionCodec: codec } });
      const batch = new WriteBatch();
      for (let i = 0; i < 1000; i++) batch.put(b(`key-${String(i).padStart(4, '0')}`), b('x'.repeat(200)));
      await db.write(batch);
      await db.flush('memtable');
      await db.close();
      const written = (await store.list('db/compacted/')).reduce((n, m) => n + m.size, 0);
      assert.ok(written > 0 && written < 1000 * 200 / 4, `${codec}: the SST is compressed (${written} bytes for 200 KB of values)`);
      const reopened = await SlateDb.open('db', { objectStore: store, settings: FAST });
      assert.is(s(await reopened.get(b('key-0999'))), 'x'.repeat(200));
      await reopened.close();
      await cleanup();
    }
    const { store, cleanup } = await makeStore();
    const err = await expectCode(SlateDb.open('db', { objectStore: store, settings: { compressionCodec: 'zstd' } }), 'INVALID_ARGUMENT', assert);
    assert.match(err.message, /Snappy/);
    await cleanup();
  });

  test('100,000 keys: many L0 SSTs, compacted into sorted runs, all read back after reopen', async () => {
    const settings = {
      ...FAST,
      l0SstSizeBytes: 256 * 1024,
      maxUnflushedBytes: 4 * 1024 * 1024,
      compactorOptions: { pollInterval: 50 },
    };
    const { store, cleanup } = await makeStore();
    const db = await SlateDb.open('db', { objectStore: store, settings, awaitDurable: false });
    const N = 100_000;
    const value = (i) => b(`value-${i}-`.padEnd(100, 'x'));
    const key = (i) => b(`key-${String(i).padStart(6, '0')}`);
    let peakL0 = 0;
    for (let i = 0; i < N; i += 1000) {
      const batch = new WriteBatch();
      for (let j = i; j < i + 1000; j++) batch.put(key(j), value(j));
      await db.write(batch);
      peakL0 = Math.max(peakL0, db.manifest().l0);
    }
    // Compaction must run for real: the L0 count rises while writing, then falls as the compactor
    // merges L0 SSTs into sorted runs (were it stopped, writes would stall at l0MaxSsts and the
    // test's deadline would fail it).
    await db.flush('memtable');
    let manifest = db.manifest();
    peakL0 = Math.max(peakL0, manifest.l0);
    const giveUp = Date.now() + 150_000;
    while (!(manifest.sortedRuns.length > 0 && manifest.l0 < peakL0) && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 50));
      manifest = db.manifest();
      peakL0 = Math.max(peakL0, manifest.l0);
    }
    assert.ok(peakL0 >= 2, `the L0 count rose while writing (peak ${peakL0})`);
    assert.ok(manifest.l0 < peakL0, `compaction brought L0 down from ${peakL0} to ${manifest.l0}`);
    assert.ok(manifest.sortedRuns.length > 0, `the compactor produced sorted runs: ${JSON.stringify(manifest)}`);
    const sstFiles = (await store.list('db/compacted/')).length;
    assert.ok(sstFiles > 8, `many SSTs were written (${sstFiles})`);
    await db.close();

    const reopened = await SlateDb.open('db', { objectStore: store, settings });
    const after = reopened.manifest();
    assert.ok(after.sortedRuns.length > 0, 'the reopened manifest shows the compacted runs');
    assert.ok(after.sortedRuns.reduce((n, r) => n + r.ssts, 0) > 1, 'runs hold several SSTs');
    let n = 0;
    for await (const [k, v] of reopened.scan()) {
      if (s(k) !== s(key(n))) assert.unreachable(`key ${n} out of order: ${s(k)}`);
      if (n % 9973 === 0) assert.is(s(v), s(value(n)));
      n++;
    }
    assert.is(n, N);
    assert.is(s(await reopened.get(key(77_777))), s(value(77_777)));
    await reopened.close();
    await cleanup();
  }, 180_000);
}
