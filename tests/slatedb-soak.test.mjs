// A bounded soak of the SlateDB backend on local files, with default settings: read-modify-write
// transactions over 3,000 keys for about a minute. Asserts that the partition's objects (count and
// bytes) stop growing once the garbage collector has had its turn (its default minimum age plus
// one interval), that they stay under a bound proportional to the live data plus what the minimum
// age retains, and that nothing acknowledged is lost (every increment is there after a reopen).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateStoreManager, withTransaction } from 'streamstate';

const soak = suite('slatedb soak: disk use is bounded with default settings');

const KEYS = 3000;
const PER_TRANSACTION = 50;
const RUN_MS = Number(process.env.STREAMSTATE_SOAK_MS ?? 75_000);
/** The garbage collector's default minimum age (30 s) plus one interval (15 s), plus slack. */
const SETTLED_MS = 50_000;
const SAMPLE_MS = 5_000;

/** Count and bytes of the object files under `dir`; `old`: those last written more than `oldMs` ago, by directory. */
async function objects(dir, oldMs = Infinity) {
  let count = 0;
  let bytes = 0;
  const old = {};
  const now = Date.now();
  const walk = async (at) => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const stats = await stat(full).catch(() => undefined);
        if (stats === undefined) continue;
        count += 1;
        bytes += stats.size;
        if (now - stats.mtimeMs > oldMs) {
          const where = path.basename(at);
          old[where] = (old[where] ?? 0) + 1;
        }
      }
    }
  };
  await walk(dir);
  return { count, bytes, old };
}

soak(`read-modify-write over ${KEYS} keys for ${RUN_MS / 1000} s: objects stop growing after the GC's first turns; nothing lost`, async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-soak-'));
  const deadline = setTimeout(() => {
    throw new Error('the soak did not finish within its deadline (a hang)');
  }, RUN_MS + 120_000);
  try {
    const manager = new StateStoreManager({ stateDir, backend: 'slatedb' });
    manager.registerStore('topic');
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    await withTransaction(partition, (tx) => {
      for (let i = 0; i < KEYS; i++) tx.asState().set(`key-${i}`, 0);
    });
    const partitionDir = stateDir; // the one partition is all there is under it
    const samples = [];
    const started = Date.now();
    let nextSample = started + SAMPLE_MS;
    let increments = 0;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % KEYS;
    while (Date.now() - started < RUN_MS) {
      await withTransaction(partition, async (tx) => {
        const state = tx.asState();
        for (let j = 0; j < PER_TRANSACTION; j++) {
          const key = `key-${random()}`;
          state.set(key, ((await state.get(key)) ?? 0) + 1);
        }
      });
      increments += PER_TRANSACTION;
      if (Date.now() >= nextSample) {
        nextSample += SAMPLE_MS;
        samples.push({ at: Date.now() - started, ...(await objects(partitionDir)) });
      }
    }
    // What is older than the GC's minimum age plus an interval (and slack) must be live: the
    // compacted SSTs, the latest manifest, WAL fence objects (kept by SlateDB), the lease.
    const ending = await objects(partitionDir, SETTLED_MS);
    await manager.close();
    const show = samples.map((s) => `${Math.round(s.at / 1000)}s: ${s.count} objects, ${(s.bytes / 1e6).toFixed(1)} MB`).join('\n');
    console.log(`  soak: ${increments} increments in ${samples.length} samples\n${show.replace(/^/gm, '    ')}`);

    const oldCount = Object.values(ending.old).reduce((a, b) => a + b, 0);
    console.log(`    at the end: ${ending.count} objects, ${oldCount} older than ${SETTLED_MS / 1000}s: ${JSON.stringify(ending.old)}`);
    assert.ok(oldCount <= 40, `objects older than ${SETTLED_MS / 1000}s at the end are only live ones (${oldCount}: ${JSON.stringify(ending.old)}):\n${show}`);
    const settled = samples.filter((s) => s.at >= SETTLED_MS);
    assert.ok(settled.length >= 3, `enough samples after the GC settled (${settled.length})`);
    const first = settled[0];
    const peak = settled.reduce((max, s) => ({ count: Math.max(max.count, s.count), bytes: Math.max(max.bytes, s.bytes) }), first);
    // Steady state: what the GC keeps is what the last minimum age wrote (it swings between 30 and
    // 45 s of writes); it must not keep growing with the run.
    assert.ok(peak.count <= first.count * 2 + 300, `object count stops growing after ${SETTLED_MS / 1000}s:\n${show}`);
    assert.ok(peak.bytes <= first.bytes * 2 + 8e6, `bytes stop growing after ${SETTLED_MS / 1000}s:\n${show}`);
    assert.ok(peak.bytes < 200e6, `bytes stay under 200 MB:\n${show}`);

    const reopened = new StateStoreManager({ stateDir, backend: 'slatedb' });
    reopened.registerStore('topic');
    const { default: again } = await reopened.onPartitionAssign('topic', 0);
    const state = again.begin().asState();
    let total = 0;
    for (let i = 0; i < KEYS; i++) total += await state.get(`key-${i}`);
    await reopened.close();
    assert.is(total, increments, 'every acknowledged increment survived');
  } finally {
    clearTimeout(deadline);
    await rm(stateDir, { recursive: true, force: true });
  }
});

soak.run();
