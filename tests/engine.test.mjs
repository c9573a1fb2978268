// The SlateDB wasm engine, through the package's public API, on every JS object store.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Volume, createFsFromVolume } from 'memfs';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb } from 'streamstate';
import { engineSuite, FAST } from './conformance/engine-suite.mjs';
import { deadlined } from './helpers/deadline.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const stores = {
  memory: async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }),
  'local files': async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'streamstate-engine-'));
    return { store: new LocalFileObjectStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  memfs: async () => {
    const fs = createFsFromVolume(new Volume());
    return { store: new LocalFileObjectStore('/data', { fs }), cleanup: async () => {} };
  },
};

for (const [name, makeStore] of Object.entries(stores)) {
  const s = suite(`engine on ${name}`);
  engineSuite(s, assert, makeStore);
  s.run();
}

const crash = suite('engine: killed process');
const crashTest = deadlined(crash);

crashTest('a process killed without closing loses nothing acknowledged as durable', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'streamstate-crash-'));
  try {
    const child = spawn(process.execPath, [path.join(here, 'helpers', 'engine-writer.mjs'), dir, '200'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acknowledged = -1;
    child.stdout.on('data', (chunk) => {
      for (const line of chunk.toString().trim().split('\n')) {
        const n = Number(line);
        if (Number.isInteger(n)) acknowledged = Math.max(acknowledged, n);
        if (acknowledged >= 120) child.kill('SIGKILL');
      }
    });
    await new Promise((resolve) => child.on('exit', resolve));
    assert.ok(acknowledged >= 120, `the writer acknowledged ${acknowledged} writes before it was killed`);
    const db = await SlateDb.open('db', { objectStore: new LocalFileObjectStore(dir), settings: FAST });
    const dec = new TextDecoder();
    for (let i = 0; i <= acknowledged; i++) {
      const v = await db.get(new TextEncoder().encode(`key-${i}`));
      assert.is(v && dec.decode(v), `value-${i}`, `acknowledged write ${i} survived`);
    }
    await db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

crash.run();
