// Fault injection on the SlateDB backend (tests/conformance/fault-suite.mjs): damaged, truncated
// and deleted objects of each kind, a store that fails or stalls, recreate; on the memory object
// store and on local files, plus damaged local-file headers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFileObjectStore, MemoryObjectStore, SlateDb } from 'streamstate';
import { faultSuite, headerFaultSuite } from './conformance/fault-suite.mjs';
import { within } from './helpers/deadline.mjs';

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

// ---- SIGKILL while a compaction runs (local files) ---------------------------------------------------

/** The number of objects in `dir` (0 while it does not exist). */
async function objectCount(dir) {
  try {
    return (await readdir(dir)).length;
  } catch (error) {
    if (error.code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * Runs the child in compact mode from number `first` and kills it `delayMs` after the compactor
 * recorded a new compaction (a new object under db/compactions/, written when a compaction is
 * scheduled, before its output SSTs and the manifest naming them), once the child has
 * acknowledged writes. Resolves to the acknowledged numbers and the compactions seen.
 */
function killDuringCompaction(dir, first, delayMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'helpers', 'engine-fault-child.mjs'), dir, 'compact', String(first)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = [];
    let buffered = '';
    let baseline;
    let killedAt;
    const compactions = path.join(dir, 'db', 'compactions');
    const watch = setInterval(async () => {
      if (acked.length === 0 || killedAt !== undefined) return;
      const count = await objectCount(compactions);
      baseline ??= count;
      if (count > baseline && killedAt === undefined) {
        killedAt = { compactionObjects: count, acked: acked.length };
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    }, 2);
    const guard = setTimeout(() => {
      clearInterval(watch);
      child.kill('SIGKILL');
    }, 60_000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      clearInterval(watch);
      if (signal !== 'SIGKILL') reject(new Error(`the child exited by itself (${code}, ${signal})`));
      else if (killedAt === undefined) reject(new Error('no compaction started within 60 s'));
      else resolve({ acked, killedAt });
    });
  });
}

killed('killed while a compaction runs, 3 times: each reopen holds every acknowledged write, keeps writing and compacts again', () =>
  within(240_000, (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'streamstate-kill-compaction-'));
    const enc = new TextEncoder();
    const settings = { flushInterval: 5, l0SstSizeBytes: 16 * 1024, compactorOptions: { pollInterval: 20 }, closeTimeout: 10_000 };
    try {
      const acknowledged = [];
      for (const [round, delayMs] of [0, 5, 20].entries()) {
        const { acked, killedAt } = await killDuringCompaction(dir, round * 1_000_000, delayMs);
        acknowledged.push(...acked);
        assert.ok(killedAt.compactionObjects > 0, `round ${round}: killed after a compaction was scheduled`);
        const db = await within(30_000, SlateDb.open('db', { objectStore: new LocalFileObjectStore(dir), settings }), `reopen after kill ${round}`);
        try {
          const values = await db.getMany(acknowledged.map((n) => enc.encode(`key-${n}`)));
          const lost = acknowledged.filter((n, i) => values[i] === undefined);
          assert.equal(lost, [], `round ${round} (killed ${delayMs} ms after compaction ${killedAt.compactionObjects} was recorded): acknowledged writes lost`);
          // It keeps writing, and compacts what it writes: a sorted run newer than any before.
          const newestRun = () => Math.max(-1, ...db.manifest().sortedRuns.map((run) => run.id));
          const before = newestRun();
          // About eight L0 SSTs' worth: enough for a compaction, far from l0MaxSsts.
          for (let n = 0; n < 400; n += 20) {
            await Promise.all(Array.from({ length: 20 }, (_, i) => db.put(enc.encode(`after-${round}-${n + i}`), enc.encode('v'.repeat(300)))));
          }
          while (newestRun() <= before) await new Promise((resolve) => setTimeout(resolve, 50));
          const after = await db.getMany(Array.from({ length: 400 }, (_, i) => enc.encode(`after-${round}-${i}`)));
          assert.is(after.filter((v) => v?.length === 300).length, 400, 'the writes after the reopen');
        } finally {
          // Settles within closeTimeout: closed, or INTERNAL (documented: a background task stuck).
          // Known defect, reproduced here and not yet fixed: after a kill during a compaction, the
          // reopened database that wrote and compacted often cannot close (a SlateDB background task
          // never finishes; a database that was not killed closes). The next round's open checks
          // that nothing acknowledged is lost either way.
          const closing = await db.close().then(() => undefined, (error) => error);
          if (closing !== undefined) assert.is(closing.code, 'INTERNAL', closing.message);
        }
      }
      assert.ok(acknowledged.length > 0, 'the children acknowledged writes');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })(), 'kill during compaction'),
);

killed.run();
