// The engine setting sstBlockSize (SlateDB's SST data block size): both spellings accepted, other
// values refused with the valid ones named, databases written with 4 KiB and 16 KiB blocks read
// back whole after a reopen, and larger blocks mean fewer object-store GETs for the same cold
// reads (a count, never a time).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CF, MemoryObjectStore, SlateDb, SlateDbBackend, SlateDbError, StreamstateError, WriteBatch } from 'streamstate';
import { countingStore } from '../bench/lib/counting-store.mjs';
import { deadlined } from './helpers/deadline.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const key = (i) => encoder.encode(`key-${String(i).padStart(6, '0')}`);
const value = (i) => encoder.encode(`value-${i}-${'x'.repeat(90)}`);
const FAST = { flushInterval: 10, manifestPollInterval: 50 };
const KEYS = 4000;

const s = suite('engine: sstBlockSize');
const test = deadlined(s);

async function refused(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.unreachable('expected the open to be refused');
}

/** Writes KEYS keys into `path` with the given settings and moves them into an SST (not the WAL). */
async function writeKeys(store, path, settings) {
  const db = await SlateDb.open(path, { objectStore: store, settings, awaitDurable: false });
  for (let i = 0; i < KEYS; i += 500) {
    const batch = new WriteBatch();
    for (let j = i; j < i + 500; j++) batch.put(key(j), value(j));
    await db.write(batch);
  }
  await db.flush('memtable');
  await db.close();
}

/** Reopens `path` and reads every key once (shuffled), counting the store's GETs after the open. */
async function coldReadAll(inner, path) {
  const counting = countingStore(inner);
  const db = await SlateDb.open(path, { objectStore: counting.proxy, settings: FAST });
  try {
    counting.take();
    const order = Array.from({ length: KEYS }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = (i * 7919 + 13) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      const got = await db.get(key(i));
      assert.ok(got, `key ${i} read back`);
      assert.is(decoder.decode(got), decoder.decode(value(i)));
    }
    return counting.take().get?.calls ?? 0;
  } finally {
    await db.close();
  }
}

test('accepted as sstBlockSize and sst_block_size, in bytes', async () => {
  const store = new MemoryObjectStore();
  for (const settings of [{ sstBlockSize: 16384 }, { sst_block_size: 1024 }, { sstBlockSize: 65536 }]) {
    const db = await SlateDb.open(`ok-${Object.values(settings)[0]}`, { objectStore: store, settings: { ...FAST, ...settings } });
    await db.put(encoder.encode('k'), encoder.encode('v'));
    assert.is(decoder.decode(await db.get(encoder.encode('k'))), 'v');
    await db.close();
  }
});

test('any other value is refused with INVALID_ARGUMENT naming the valid sizes', async () => {
  const store = new MemoryObjectStore();
  for (const bad of [4000, 0, 131072, '16KiB', -4096, 4096.5, null]) {
    for (const name of ['sstBlockSize', 'sst_block_size']) {
      const err = await refused(SlateDb.open('bad', { objectStore: store, settings: { [name]: bad } }));
      assert.instance(err, SlateDbError, `${name}: ${JSON.stringify(bad)}: ${err}`);
      assert.is(err.code, 'INVALID_ARGUMENT', err.message);
      assert.match(err.message, /sstBlockSize/);
      assert.match(err.message, /1024, 2048, 4096, 8192, 16384, 32768, 65536/);
    }
  }
  // Nothing was created by the refused opens.
  assert.equal(await store.list(''), []);
});

test('the SlateDB backend passes it through its settings (and refuses a bad one at open)', async () => {
  const store = new MemoryObjectStore();
  const bad = new SlateDbBackend({ objectStore: store, settings: { ...FAST, sstBlockSize: 3000 } });
  const err = await refused(bad.open('bad/db'));
  assert.instance(err, StreamstateError, String(err));
  assert.is(err.code, 'BACKEND_INVALID_ARGUMENT', err.message);
  assert.match(err.message, /sstBlockSize/);
  const good = new SlateDbBackend({ objectStore: store, settings: { ...FAST, sstBlockSize: 16384 } });
  const db = await good.open('good/db');
  await db.write([{ cf: DEFAULT_CF, key: encoder.encode('k'), value: encoder.encode('v') }]);
  await db.close();
  const again = await good.open('good/db');
  assert.is(decoder.decode(await again.get(DEFAULT_CF, encoder.encode('k'))), 'v');
  await again.close();
});

test('4 KiB and 16 KiB blocks both read back every key after a reopen; 16 KiB makes fewer GETs', async () => {
  const store = new MemoryObjectStore();
  await writeKeys(store, 'small', { ...FAST, sstBlockSize: 4096 });
  await writeKeys(store, 'large', { ...FAST, sstBlockSize: 16384 });
  // A reopen does not need the writer's block size: both read back with the default setting.
  const small = await coldReadAll(store, 'small');
  const large = await coldReadAll(store, 'large');
  // ~430 KB of keys and values: ~105 blocks of 4 KiB against ~27 of 16 KiB, plus the same few
  // index and filter reads. Block-sized reads, so at most about half as many with 16 KiB blocks.
  assert.ok(small > 50, `4 KiB blocks: ${small} GETs for ${KEYS} cold reads (expected one per block)`);
  assert.ok(large * 2 < small, `16 KiB blocks: ${large} GETs, 4 KiB blocks: ${small} GETs`);
});

s.run();
