// Fault injection on the SlateDB backend (tests/conformance/fault-suite.mjs): damaged, truncated
// and deleted objects of each kind, a store that fails or stalls, recreate; on the memory object
// store and on local files, plus damaged local-file headers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb } from 'streamstate';
import { faultSuite, headerFaultSuite, within } from './conformance/fault-suite.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const stores = {
  memory: async () => ({ store: new MemoryObjectStore(), cleanup: async () => {} }),
  'local files': async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'streamstate-faults-'));
    return {
      store: new LocalFileObjectStore(dir, { fsync: false }),
      rawFile: (key) => path.join(dir, ...key.split('/')),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

for (const [name, makeStore] of Object.entries(stores)) {
  const s = suite(`faults on ${name}`);
  faultSuite(s, assert, makeStore);
  if (name === 'local files') headerFaultSuite(s, assert, makeStore);
  s.run();
}

// ---- SIGKILL during open, write and flush (local files) -------------------------------------------

const killed = suite('faults: a process killed during open, write or flush');

/** Runs the child in `mode` from number `first`, kills it `afterMs` after it opened; resolves to the acknowledged numbers. */
function runAndKill(dir, mode, first, afterMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'helpers', 'engine-fault-child.mjs'), dir, mode, String(first)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = [];
    let buffered = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (line === 'opened') setTimeout(() => child.kill('SIGKILL'), afterMs);
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`the child exited by itself (${code}, ${signal})`));
      else resolve(acked);
    });
  });
}

for (const mode of ['open', 'write', 'flush']) {
  killed(`killed during ${mode}, 4 times: each reopen is prompt and holds every acknowledged write`, () =>
    within(240_000, (async () => {
      const dir = await mkdtemp(path.join(tmpdir(), `streamstate-kill-${mode}-`));
      try {
        const acknowledged = [];
        const delays = [150, 400, 700, 1100];
        for (const [round, afterMs] of delays.entries()) {
          const acked = await runAndKill(dir, mode, round * 100_000, afterMs);
          acknowledged.push(...acked);
          const db = await within(30_000, SlateDb.open('db', { objectStore: new LocalFileObjectStore(dir), settings: { flushInterval: 5 } }), `reopen after kill ${round}`);
          try {
            const keys = acknowledged.map((n) => new TextEncoder().encode(`key-${n}`));
            const values = await db.getMany(keys);
            const lost = acknowledged.filter((n, i) => values[i] === undefined);
            assert.equal(lost, [], `round ${round} (${mode}, killed ${afterMs} ms after open): acknowledged writes lost`);
          } finally {
            await db.close();
          }
        }
        assert.ok(acknowledged.length > 0, 'the children acknowledged writes');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })(), `kill during ${mode}`),
  );
}

killed.run();
