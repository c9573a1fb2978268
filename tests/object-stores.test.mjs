// Object stores: the conformance suite against MemoryObjectStore, LocalFileObjectStore on node:fs and
// on a memfs volume; then what only the local-file store promises (crash safety, no visible temporary
// files, atomicity across processes).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Volume, createFsFromVolume } from 'memfs';
import { MemoryObjectStore, LocalFileObjectStore, ObjectStoreError } from 'streamstate';
import { objectStoreSuite } from './conformance/object-store-suite.mjs';
import { bytes, text } from './conformance/support.mjs';
import { rejectionOf } from './helpers/fixtures.mjs';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

async function tempDir() {
  return mkdtemp(path.join(tmpdir(), 'streamstate-objects-'));
}

// ---- the conformance suite, once per store --------------------------------------------------

const memory = suite('MemoryObjectStore');
objectStoreSuite(memory, assert, async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }));
memory.run();

const localNode = suite('LocalFileObjectStore (node:fs)');
objectStoreSuite(localNode, assert, async () => {
  const dir = await tempDir();
  return { store: new LocalFileObjectStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
localNode.run();

// The same on node:fs with every read taking the asynchronous path (syncReadMaxBytes 0), and with
// a tiny synchronous limit, so reads past it start synchronously and finish asynchronously.
const localNodeAsync = suite('LocalFileObjectStore (node:fs, asynchronous reads)');
objectStoreSuite(localNodeAsync, assert, async () => {
  const dir = await tempDir();
  return { store: new LocalFileObjectStore(dir, { syncReadMaxBytes: 0 }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
localNodeAsync.run();

const localNodeSmallSync = suite('LocalFileObjectStore (node:fs, synchronous reads up to 3 bytes)');
objectStoreSuite(localNodeSmallSync, assert, async () => {
  const dir = await tempDir();
  return { store: new LocalFileObjectStore(dir, { syncReadMaxBytes: 3 }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
localNodeSmallSync.run();

const localMemfs = suite('LocalFileObjectStore (memfs)');
objectStoreSuite(localMemfs, assert, async () => {
  const fs = createFsFromVolume(new Volume());
  return { store: new LocalFileObjectStore('/data/objects', { fs }), cleanup: async () => {} };
});
localMemfs.run();

// ---- what only the local-file store promises ---------------------------------------------------

const local = suite('LocalFileObjectStore specifics');
let root;
local.before.each(async () => {
  root = await tempDir();
});
local.after.each(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir`, relative, with `/` separators. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}

async function rejectsWith(promise, code) {
  const error = await rejectionOf(promise, `a rejection with code ${code}`);
  assert.is(error.code, code, error.message);
  return error;
}

local('objects are plain files under the root; no temporary or lock files remain or are listed', async () => {
  const store = new LocalFileObjectStore(root);
  await store.put('db/manifest/1', bytes('m1'), { mode: 'create' });
  const v = await store.put('db/manifest/2', bytes('m2'));
  await store.put('db/manifest/2', bytes('m2b'), { mode: { etag: v.etag } });
  await store.put('db/wal/1', bytes('w'));
  await store.copy('db/wal/1', 'db/wal/2', { ifNotExists: true });
  await store.delete('db/wal/1');
  await rejectsWith(store.put('db/manifest/1', bytes('again'), { mode: 'create' }), 'AlreadyExists');
  await rejectsWith(store.put('db/manifest/2', bytes('stale'), { mode: { etag: v.etag } }), 'Precondition');
  assert.equal(await filesUnder(root), ['db/manifest/1', 'db/manifest/2', 'db/wal/2']);
  assert.equal((await store.list('')).map((m) => m.key), ['db/manifest/1', 'db/manifest/2', 'db/wal/2']);
});

local("a crashed writer's temporary file is never visible: the old object stays, list ignores it", async () => {
  const store = new LocalFileObjectStore(root);
  await store.put('db/manifest', bytes('committed'));
  // What a writer killed between writing and renaming leaves behind: a partial temporary file.
  await writeFile(path.join(root, 'db', '.streamstate~tmp~0b7e1c2d'), bytes('torn, half writ'));
  assert.is(text((await store.get('db/manifest')).data), 'committed');
  assert.equal((await store.list('')).map((m) => m.key), ['db/manifest']);
  assert.equal((await store.list('db/.')).map((m) => m.key), []);
  await store.put('db/manifest', bytes('next'));
  assert.is(text((await store.get('db/manifest')).data), 'next', 'writes go on beside a stray temporary file');
});

/** Run a child node process with ESM `source`, resolving `streamstate` from the repo. */
function child(source, { args = [] } = {}) {
  // The runner sets both FORCE_COLOR and NO_COLOR, which makes every child warn; children need neither.
  const { FORCE_COLOR, NO_COLOR, ...env } = process.env;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', source, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk) => (stdout += chunk));
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  // A bug must fail the test, not hang the whole run.
  const watchdog = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const exited = new Promise((resolve) =>
    proc.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  /** Resolves once the child has printed a line equal to `line`. */
  const printed = (line) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (stdout.split('\n').includes(line)) resolve();
      };
      proc.stdout.on('data', check);
      proc.on('close', () => reject(new Error(`child exited before printing ${line}: ${stderr}`)));
      check();
    });
  return { proc, exited, printed };
}

local('a writer killed mid-put leaves a whole object, never a torn one', async () => {
  const size = 8 * 1024 * 1024;
  const writer = child(
    `
    import { LocalFileObjectStore } from 'streamstate';
    const store = new LocalFileObjectStore(process.argv[1]);
    for (let round = 0; ; round++) {
      // Each version is one byte value repeated, so any mix of two versions is detectable.
      await store.put('db/sst', new Uint8Array(${size}).fill(round % 251), { metadata: { round: String(round) } });
      await store.put('db/wal/' + String(round).padStart(6, '0'), new Uint8Array(${size}).fill(round % 251), { mode: 'create' });
      console.log('round ' + round);
    }
    `,
    { args: [root] },
  );
  await writer.printed('round 2');
  await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 40));
  writer.proc.kill('SIGKILL');
  const { signal } = await writer.exited;
  assert.is(signal, 'SIGKILL');

  const store = new LocalFileObjectStore(root);
  const listed = await store.list('');
  assert.ok(listed.length >= 4, `at least 3 rounds are complete, listed ${listed.length} objects`);
  for (const meta of listed) {
    assert.is(meta.size, size, `${meta.key} has its full size`);
    const { data, metadata } = await store.get(meta.key);
    const value = data[0];
    assert.ok(data.every((b) => b === value), `${meta.key} holds one version, not a mix`);
    if (meta.key === 'db/sst') assert.is(Number(metadata.round) % 251, value, 'metadata belongs to the same version');
  }
});

/**
 * ESM source for a child run alongside others: opens a LocalFileObjectStore at argv[1] as `store`,
 * prints "ready", waits for one line on stdin (the start signal, see runTogether), then runs `body`
 * (which reads its own arguments from process.argv.slice(2)).
 */
const startedTogether = (body) => `
  import { LocalFileObjectStore } from 'streamstate';
  import { createInterface } from 'node:readline';
  const store = new LocalFileObjectStore(process.argv[1]);
  await store.list('');
  console.log('ready');
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once('line', resolve));
  lines.close();
${body}`;

/** Starts one child of `source` per entry of `argsList`; once all are ready, starts them all; resolves to their exits. */
async function runTogether(source, argsList) {
  const children = argsList.map((args) => child(source, { args }));
  await Promise.all(children.map((c) => c.printed('ready')));
  for (const c of children) c.proc.stdin.end('go\n');
  return Promise.all(children.map((c) => c.exited));
}

const RACE_SOURCE = startedTogether(`
  const [name, count] = process.argv.slice(2);
  const won = [];
  for (let i = 0; i < Number(count); i++) {
    try {
      await store.put('race/' + i, new TextEncoder().encode(name), { mode: 'create' });
      won.push(i);
    } catch (error) {
      if (error.code !== 'AlreadyExists') throw error;
    }
  }
  console.log(JSON.stringify(won));
`);

local('create-if-absent across two processes: exactly one wins each key', async () => {
  const keys = 200;
  const racers = ['left', 'right'];
  const results = await runTogether(RACE_SOURCE, racers.map((name) => [root, name, String(keys)]));
  for (const [i, result] of results.entries()) assert.is(result.code, 0, `${racers[i]} failed: ${result.stderr}`);
  const wins = results.map((result) => JSON.parse(result.stdout.trim().split('\n').pop()));
  assert.is(wins[0].length + wins[1].length, keys, `every key has exactly one winner (${wins[0].length} + ${wins[1].length})`);
  const store = new LocalFileObjectStore(root);
  for (const [i, name] of ['left', 'right'].entries()) {
    for (const key of wins[i]) assert.is(text((await store.get(`race/${key}`)).data), name, `race/${key} holds its winner's data`);
  }
  assert.is((await store.list('race/')).length, keys);
});

const COUNTER_SOURCE = startedTogether(`
  const [increments] = process.argv.slice(2);
  let conflicts = 0;
  for (let i = 0; i < Number(increments); i++) {
    for (;;) {
      const { data, meta } = await store.get('counter');
      const next = Number(new TextDecoder().decode(data)) + 1;
      try {
        await store.put('counter', new TextEncoder().encode(String(next)), { mode: { etag: meta.etag } });
        break;
      } catch (error) {
        if (error.code !== 'Precondition') throw error;
        conflicts++;
      }
    }
  }
  console.log(JSON.stringify({ conflicts }));
`);

local('compare-and-swap across two processes loses no update', async () => {
  const increments = 40;
  const store = new LocalFileObjectStore(root);
  await store.put('counter', bytes('0'));
  const results = await runTogether(COUNTER_SOURCE, [0, 1].map(() => [root, String(increments)]));
  for (const result of results) assert.is(result.code, 0, result.stderr);
  assert.is(text((await store.get('counter')).data), String(2 * increments), 'every increment landed exactly once');
  const conflicts = results.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()).conflicts);
  console.log(`    (cross-process CAS: ${conflicts[0] + conflicts[1]} conflicts retried over ${2 * increments} increments)`);
});

local('a held lock file makes writers wait; a stale one is broken', async () => {
  const store = new LocalFileObjectStore(root, { lockStaleMs: 2000 });
  const first = await store.put('k', bytes('one'));
  const lock = path.join(root, '.streamstate~lock~k');
  await writeFile(lock, '');
  let done = false;
  const waiting = store.put('k', bytes('two'), { mode: { etag: first.etag } }).then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(done, false, 'a swap waits while another process holds the key lock');
  assert.is(text((await store.get('k')).data), 'one', 'reads do not wait for locks');
  await rm(lock);
  await waiting;
  assert.is(text((await store.get('k')).data), 'two');

  // A lock left by a crashed process: older than lockStaleMs.
  await writeFile(lock, '');
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  const started = Date.now();
  await store.put('k', bytes('three'));
  assert.ok(Date.now() - started < 1500, 'a stale lock is broken at once');
  assert.is(text((await store.get('k')).data), 'three');
  assert.equal(await filesUnder(root), ['k'], 'the broken lock is gone');
});

local('keys that would escape the root or collide with the store files are refused', async () => {
  const store = new LocalFileObjectStore(root);
  for (const key of ['../outside', 'a/../../outside', '/etc/passwd', 'a//b', 'a/./b', 'a/', 'a\\b', '.streamstate~tmp~x', 'd/.streamstate~lock~x']) {
    await rejectsWith(store.put(key, bytes('x')), 'InvalidArgument');
    await rejectsWith(store.get(key), 'InvalidArgument');
    await rejectsWith(store.delete(key), 'InvalidArgument');
  }
  await rejectsWith(store.put('x'.repeat(300), bytes('x')), 'InvalidArgument');
  assert.equal(await store.list('../'), [], 'a prefix outside the root lists nothing');
  assert.equal(await readdir(root), [], 'nothing was written');
  await store.put('.hidden/ok', bytes('dot names are fine'));
  assert.equal((await store.list('')).map((m) => m.key), ['.hidden/ok']);
});

local('a key cannot be both an object and a prefix directory', async () => {
  const store = new LocalFileObjectStore(root);
  await store.put('a/b', bytes('x'));
  await rejectsWith(store.put('a', bytes('y')), 'InvalidArgument');
  await rejectsWith(store.put('a/b/c', bytes('y')), 'InvalidArgument');
  await rejectsWith(store.get('a'), 'NotFound');
  await rejectsWith(store.head('a'), 'NotFound');
  await store.delete('a');
  assert.is(text((await store.get('a/b')).data), 'x', 'deleting the directory-named key deletes nothing');
});

local('a file not written by the store is reported, not misread', async () => {
  const store = new LocalFileObjectStore(root);
  await mkdir(path.join(root, 'db'));
  await writeFile(path.join(root, 'db', 'foreign'), 'plain text without a header');
  try {
    await store.get('db/foreign');
    assert.unreachable('reading a foreign file must fail');
  } catch (error) {
    assert.match(error.message, /not an object written by LocalFileObjectStore/);
    assert.is(error.code, 'DataCorruption');
  }
});

local('a damaged header is DataCorruption on get and head; the object is still listed and deletable', async () => {
  const store = new LocalFileObjectStore(root);
  const file = path.join(root, 'db', 'obj');
  const damage = {
    'garbage magic': (raw) => Buffer.concat([Buffer.from('garbage!'), raw.subarray(8)]),
    'cut inside the header': (raw) => raw.subarray(0, 14),
    'damaged header JSON': (raw) => { const copy = Buffer.from(raw); copy[13] = 0x7b; copy[14] = 0x7b; return copy; },
    'header length past the end': (raw) => { const copy = Buffer.from(raw); copy.writeUInt32BE(1 << 30, 8); return copy; },
  };
  for (const [what, garble] of Object.entries(damage)) {
    await store.put('db/obj', bytes('the data'), { metadata: { a: 'b' } });
    await writeFile(file, garble(await readFile(file)));
    for (const read of [() => store.get('db/obj'), () => store.head('db/obj')]) {
      const error = await rejectsWith(read(), 'DataCorruption');
      assert.instance(error, ObjectStoreError, what);
      assert.is(error.key, 'db/obj', what);
      assert.match(error.message, /changed outside the store|not an object written by LocalFileObjectStore/, what);
    }
    const listed = await store.list('db/');
    assert.equal(listed.map((meta) => [meta.key, meta.etag]), [['db/obj', undefined]], `${what}: listed without an etag`);
    await store.delete('db/obj');
    assert.equal(await store.list('db/'), [], `${what}: deleted`);
  }
});

local('the directory layout: root/key with a header before the data', async () => {
  const store = new LocalFileObjectStore(root, { fsync: false });
  await store.put('x/y', bytes('DATA'), { metadata: { a: 'b' } });
  const raw = await readFile(path.join(root, 'x', 'y'));
  assert.is(raw.subarray(raw.length - 4).toString(), 'DATA');
  assert.ok(raw.length > 4 + 12, 'a header precedes the data');
});

local('a memfs volume is used instead of node:fs, and invalid fs objects are refused', async () => {
  const vol = new Volume();
  const store = new LocalFileObjectStore('/objects', { fs: createFsFromVolume(vol) });
  await store.put('a/b', bytes('in memory'));
  assert.ok(Object.keys(vol.toJSON()).includes('/objects/a/b'), 'the object is a file in the volume');
  assert.equal(await readdir(root), [], 'the real disk was not touched');
  const direct = new LocalFileObjectStore('/v', { fs: vol });
  await direct.put('k', bytes('a Volume has promises too'));
  assert.is(text((await direct.get('k')).data), 'a Volume has promises too');
  assert.throws(() => new LocalFileObjectStore('/x', { fs: {} }), /promises/);
  assert.throws(() => new LocalFileObjectStore('/x', { fs: { promises: { open() {} } } }), /rename, link, unlink, mkdir, readdir, stat/);
  assert.throws(() => new LocalFileObjectStore(''), /root directory/);
});

local('reads return the same bytes on the synchronous and asynchronous paths, past the header probe', async () => {
  // 3 MiB of patterned data: ranges inside the header probe, past it, larger than the
  // synchronous limit, and whole, each read by three stores on the same directory.
  const data = new Uint8Array(3 << 20).map((_, i) => (i * 31 + (i >> 12)) & 255);
  await new LocalFileObjectStore(root, { fsync: false }).put('db/big', data, { metadata: { m: 'v' } });
  const stores = [new LocalFileObjectStore(root), new LocalFileObjectStore(root, { syncReadMaxBytes: 0 }), new LocalFileObjectStore(root, { syncReadMaxBytes: 4096 })];
  for (const range of [undefined, { offset: 0, length: 10 }, { offset: 5000, length: 4096 }, { offset: 100_000, length: 2 << 20 }, { suffix: 70_000 }, { offset: (3 << 20) - 5 }]) {
    for (const store of stores) {
      const got = await store.get('db/big', range === undefined ? {} : { range });
      const start = range === undefined ? 0 : 'suffix' in range ? data.length - range.suffix : range.offset;
      const end = range?.length === undefined ? data.length : start + range.length;
      assert.is(got.offset, start, `offset of ${JSON.stringify(range)}`);
      assert.ok(Buffer.from(got.data).equals(Buffer.from(data.subarray(start, end))), `bytes of ${JSON.stringify(range)}`);
      assert.equal(got.metadata, { m: 'v' });
      assert.is(got.meta.size, data.length);
    }
  }
  for (const store of stores) {
    const head = await store.head('db/big');
    assert.is(head.size, data.length);
    assert.equal(head.metadata, { m: 'v' });
    await rejectsWith(store.get('db/none'), 'NotFound');
    await rejectsWith(store.head('db/none'), 'NotFound');
    await rejectsWith(store.get('db/big', { range: { offset: data.length } }), 'InvalidRange');
  }
  assert.throws(() => new LocalFileObjectStore(root, { syncReadMaxBytes: -1 }), /syncReadMaxBytes/);
});

local('a put into a directory removed since the last put makes it again', async () => {
  const store = new LocalFileObjectStore(root, { fsync: false });
  await store.put('d/e/one', bytes('1'));
  await rm(path.join(root, 'd'), { recursive: true });
  await store.put('d/e/two', bytes('2'));
  assert.is(text((await store.get('d/e/two')).data), '2');
  await rejectsWith(store.get('d/e/one'), 'NotFound');
});

local.run();
