// Format compatibility between native SlateDB (@slatedb/uniffi, SlateDB's own Node binding over its
// Rust library, on a file:// store) and the wasm engine: a database written natively opens and
// reads in the wasm engine (every key, by scan and by get); the other way is refused by the
// binding's older SlateDB (see the last test).
// Each database holds both an L0 SST (a memtable flush) and WAL SSTs (writes after it), with
// deletes, so both read paths and WAL replay are crossed.
//
// The two sides do not share an object-store layout (LocalFileObjectStore keeps an etag header in
// each file; object_store's LocalFileSystem keeps bare files), so the test moves the database's
// objects between a file:// directory and a MemoryObjectStore byte for byte: what crosses is
// exactly SlateDB's own files (manifests, SSTs, WALs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryObjectStore, SlateDb, WriteBatch } from 'streamstate';
import { closeNative, loadNativeSlateDb, nativeScan, openNative } from '../bench/lib/native-slatedb.mjs';
import { tempDir } from '../bench/lib/common.mjs';
import { deadlined } from './helpers/deadline.mjs';

const enc = new TextEncoder();
const dec = new TextDecoder();
const key = (i) => enc.encode(`key-${String(i).padStart(5, '0')}`);
const value = (i, round) => enc.encode(`value-${i}-${round}-`.padEnd(64, 'v'));
const N = 2000;

/** What the database must hold after `writeRounds`: keys 0..N-1, round 2 for even keys, none for multiples of 7. */
function expected() {
  const out = [];
  for (let i = 0; i < N; i++) {
    if (i % 7 === 0) continue;
    out.push([dec.decode(key(i)), dec.decode(value(i, i % 2 === 0 ? 2 : 1))]);
  }
  return out;
}

/** Every file under `dir`, as [relative key with '/' separators, bytes]. */
async function filesUnder(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push([rel, await readFile(path.join(dir, rel))]);
  }
  return out;
}

const native = await loadNativeSlateDb();
const compat = suite('SlateDB format compatibility: native (@slatedb/uniffi) and the wasm engine');
const test = deadlined(compat);

test('the native binding loads here (the tests below need it)', () => {
  assert.ok(native.slatedb, `@slatedb/uniffi: ${native.reason}`);
});

test('a database written by native SlateDB on file:// opens and reads in the wasm engine', async () => {
  const { slatedb } = native;
  const dir = await tempDir('compat-native');
  try {
    const files = slatedb.ObjectStore.resolve(`file://${dir.dir}`);
    const db = await openNative(slatedb, 'db', files, { flush_interval: '10ms' });
    const write = async (ops) => {
      const batch = new slatedb.WriteBatch();
      for (const op of ops) (op.length === 2 ? batch.put(op[0], op[1]) : batch.delete(op[0]));
      const handle = await db.write_with_options(batch, { await_durable: true });
      handle?.dispose?.();
      batch.dispose();
    };
    // Round 1 into an L0 SST, round 2 (overwrites and deletes) left in the WAL.
    for (let i = 0; i < N; i += 500) await write(Array.from({ length: 500 }, (_, j) => [key(i + j), value(i + j, 1)]));
    await db.flush_with_options({ flush_type: slatedb.FlushType.MemTable });
    const round2 = [];
    for (let i = 0; i < N; i++) {
      if (i % 7 === 0) round2.push([key(i)]);
      else if (i % 2 === 0) round2.push([key(i), value(i, 2)]);
    }
    await write(round2);
    await closeNative(db);
    files.dispose();

    const objects = await filesUnder(dir.dir);
    assert.ok(objects.some(([k]) => k.startsWith('db/compacted/')), 'native wrote an L0 SST');
    assert.ok(objects.some(([k]) => k.startsWith('db/wal/')), 'native wrote WAL SSTs');
    const store = new MemoryObjectStore();
    for (const [k, bytes] of objects) await store.put(k, new Uint8Array(bytes));

    const wasm = await SlateDb.open('db', { objectStore: store });
    const seen = [];
    for await (const [k, v] of wasm.scan()) seen.push([dec.decode(k), dec.decode(v)]);
    assert.equal(seen, expected());
    const want = new Map(expected());
    const wrong = [];
    for (let i = 0; i < N; i++) {
      const got = await wasm.get(key(i));
      if ((got === undefined ? undefined : dec.decode(got)) !== want.get(dec.decode(key(i)))) wrong.push(i);
    }
    assert.equal(wrong, [], 'every point get agrees with the scan');
    // The wasm engine can carry on writing the native database.
    await wasm.put(enc.encode('from-wasm'), enc.encode('yes'));
    await wasm.flush('memtable');
    assert.is(dec.decode(await wasm.get(enc.encode('from-wasm'))), 'yes');
    await wasm.close();
  } finally {
    await dir.cleanup();
  }
});

// @slatedb/uniffi 0.12.1 bundles an older SlateDB than the engine's: it reads compactions files of
// format version 1 only, while SlateDB 0.15 and later write version 2 (the manifest (v2), WAL and SST
// (v1/v2) versions are the same). So, today, native SlateDB from that binding refuses a database the
// wasm engine wrote, with a format error rather than wrong answers. (Copied without its compactions
// file, it opens and scans correctly, but its point gets answer 1045 of 2000 keys wrongly: the SST
// filter block of newer SlateDB is a composite of named filters, which that version misreads. So no
// workaround is offered.) When the binding catches up, this test fails: make it the full check,
// the mirror image of the one above.
test('native SlateDB from @slatedb/uniffi refuses a wasm-written database with a format error (its compactions format is older)', async () => {
  const { slatedb } = native;
  const store = new MemoryObjectStore();
  const wasm = await SlateDb.open('db', { objectStore: store, settings: { flushInterval: 10 } });
  for (let i = 0; i < N; i += 500) {
    const batch = new WriteBatch();
    for (let j = i; j < i + 500; j++) batch.put(key(j), value(j, 1));
    await wasm.write(batch);
  }
  await wasm.flush('memtable');
  const round2 = new WriteBatch();
  for (let i = 0; i < N; i++) {
    if (i % 7 === 0) round2.delete(key(i));
    else if (i % 2 === 0) round2.put(key(i), value(i, 2));
  }
  await wasm.write(round2);
  await wasm.close();

  const dir = await tempDir('compat-wasm');
  try {
    const metas = await store.list('');
    assert.ok(metas.some((m) => m.key.startsWith('db/compacted/')), 'the wasm engine wrote an L0 SST');
    assert.ok(metas.some((m) => m.key.startsWith('db/wal/')), 'the wasm engine wrote WAL SSTs');
    assert.ok(metas.some((m) => m.key.startsWith('db/compactions/')), 'the wasm engine wrote a compactions file');
    for (const meta of metas) {
      const file = path.join(dir.dir, ...meta.key.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, (await store.get(meta.key)).data);
    }
    const files = slatedb.ObjectStore.resolve(`file://${dir.dir}`);
    try {
      let db;
      let error;
      try {
        db = await openNative(slatedb, 'db', files);
      } catch (e) {
        error = e;
      }
      if (db) await closeNative(db);
      assert.ok(error, `@slatedb/uniffi ${native.version} opened a wasm-written database: it has caught up, make this the full compatibility check`);
      assert.match(String(error.message), /unsupported compactions format version\. supported_versions=`\[1\]`, actual_version=`2`/);
    } finally {
      files.dispose();
    }
  } finally {
    await dir.cleanup();
  }
});

compat.run();
