// Changelog recovery on SlateDB (local files) across real SIGKILLs. RecoveryManager writes its
// batches without a durable point each ({ durable: false }) and makes the partition durable once, at
// the end of its recovery. A child process (helpers/slatedb-recovery-child.mjs) recovers a partition
// from a recorded changelog whose values encode their offsets, and is killed part-way, at several
// points, round after round; after each kill the reopened partition must hold exactly the changelog
// applied up to its stored offset (no batch half there, nothing past the offset, no offset past the
// data), and each round resumes from there until the recovery completes. And once recover() has
// returned (its durable point passed), a kill loses nothing, even with a WAL flush interval far
// longer than the recovery.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateStoreManager, silentLogger } from 'streamstate';
import { text } from './conformance/support.mjs';
import { deadlined, withDeadline } from './helpers/deadline.mjs';
import { withTemporaryDirectory } from './helpers/fixtures.mjs';
import { expectedState } from './helpers/slatedb-recovery-child.mjs';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'slatedb-recovery-child.mjs');
const crash = suite('slatedb: changelog recovery across a SIGKILL');
const test = deadlined(crash, 240_000);

const MESSAGES = 30_000;
const PER_READ = 250;

const withDirectory = (fn) => withTemporaryDirectory('streamstate-recovery-crash-', fn);

/**
 * Runs the child once. With `killAfter`, SIGKILLs it as soon as it reports a read reaching `killAfter`
 * offsets past its start; otherwise it runs to its own SIGKILL after recover().
 * @returns { start, lastRead, killedAtRead, recovered } from its output (killedAtRead: the read that
 *   made the test kill it; recovered: the offset it printed, or undefined)
 */
async function runChild(stateDir, { flushInterval, killAfter, durableEveryMs }) {
  const args = [child, stateDir, String(MESSAGES), String(PER_READ), String(flushInterval), ...(durableEveryMs === undefined ? [] : [String(durableEveryMs)])];
  const process_ = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let start;
  let lastRead = -1;
  let killedAtRead;
  process_.stdout.on('data', (chunk) => {
    output += chunk.toString();
    start ??= Number(/^start (-?\d+)$/m.exec(output)?.[1] ?? NaN);
    if (Number.isNaN(start)) start = undefined;
    for (const match of output.matchAll(/^read (\d+)$/gm)) lastRead = Math.max(lastRead, Number(match[1]));
    if (killAfter !== undefined && start !== undefined && lastRead >= start + killAfter && process_.exitCode === null && !process_.killed) {
      killedAtRead = lastRead;
      process_.kill('SIGKILL');
    }
  });
  const exited = new Promise((resolve) => process_.on('exit', (_code, signal) => resolve(signal)));
  let signal;
  try {
    signal = await withDeadline(120_000, 'the recovery child', () => exited);
  } finally {
    if (process_.exitCode === null && process_.signalCode === null) process_.kill('SIGKILL');
  }
  assert.is(signal, 'SIGKILL', output.slice(-2000));
  const recovered = /^recovered (\d+)$/m.exec(output)?.[1];
  return { start, lastRead, killedAtRead, recovered: recovered === undefined ? undefined : Number(recovered) };
}

/** Reopens the partition the child was killed holding; returns its stored offset (-1: none) and entries. */
async function reopen(stateDir) {
  const manager = new StateStoreManager({
    stateDir,
    groupId: 'group',
    backend: 'slatedb',
    slatedbOptions: { lockTtlMs: 1000, openMaxRetries: 60, openRetryBackoffMs: 100 },
    logger: silentLogger,
  });
  manager.registerStore('topic');
  try {
    const { default: partition } = await manager.onPartitionAssign('topic', 0);
    const offset = (await partition.getChangelogOffset()) ?? -1;
    const state = new Map();
    for await (const [key, value] of partition.iterItems(undefined, undefined)) state.set(text(key), text(value));
    return { offset, state };
  } finally {
    await manager.close();
  }
}

/** Asserts `state` is exactly the changelog applied through `offset`. */
function assertStateAt(state, offset, label) {
  const expected = expectedState(offset);
  const wrong = [];
  for (const [key, value] of expected) if (state.get(key) !== value) wrong.push(`${key}: expected ${value.slice(0, 12)}, found ${state.get(key)?.slice(0, 12)}`);
  for (const [key, value] of state) if (!expected.has(key)) wrong.push(`${key}: expected absent, found ${value.slice(0, 12)}`);
  assert.is(wrong.length, 0, `${label}: the state is not the changelog through offset ${offset}: ${wrong.slice(0, 5).join('; ')}`);
  assert.is(state.size, expected.size, label);
}

test('a recovery killed part-way holds exactly the changelog up to its stored offset, and resumes to the end', async () => {
  await withDirectory(async (stateDir) => {
    let stored = -1;
    const killPoints = [1_500, 6_000, 7_000, 3_000, 5_000];
    for (const [round, killAfter] of killPoints.entries()) {
      const run = await runChild(stateDir, { flushInterval: 20, killAfter });
      const label = `round ${round + 1} (killed after a read reached ${run.start} + ${killAfter})`;
      assert.is(run.start, stored, `${label}: the child started from the stored offset`);
      assert.is(run.recovered, undefined, `${label}: killed part-way, not after the end`);
      const after = await reopen(stateDir);
      assert.ok(after.offset >= stored, `${label}: the stored offset went back from ${stored} to ${after.offset}`);
      assert.ok(after.offset <= run.lastRead, `${label}: stored offset ${after.offset} is past the last read (${run.lastRead})`);
      assertStateAt(after.state, after.offset, label);
      stored = after.offset;
    }
    const last = await runChild(stateDir, { flushInterval: 20 });
    assert.is(last.start, stored, 'the last round started from the stored offset');
    assert.is(last.recovered, MESSAGES - 1);
    const final = await reopen(stateDir);
    assert.is(final.offset, MESSAGES - 1, 'killed after recover() returned: the whole changelog is stored');
    assertStateAt(final.state, MESSAGES - 1, 'after the last round');
  });
});

test('once recover() has returned, a SIGKILL loses nothing (WAL flush interval 60 s)', async () => {
  await withDirectory(async (stateDir) => {
    const run = await runChild(stateDir, { flushInterval: 60_000 });
    assert.is(run.start, -1);
    assert.is(run.recovered, MESSAGES - 1);
    const after = await reopen(stateDir);
    assert.is(after.offset, MESSAGES - 1, 'the stored offset is the last one');
    assertStateAt(after.state, MESSAGES - 1, 'after the kill');
  });
});

test('with a durable point after every batch (durableEveryMs 0), a kill part-way loses at most the batch in progress', async () => {
  await withDirectory(async (stateDir) => {
    // No background WAL flush in 60 s: only the recovery's own durable points make batches durable.
    const run = await runChild(stateDir, { flushInterval: 60_000, killAfter: 5_000, durableEveryMs: 0 });
    assert.is(run.recovered, undefined, 'killed part-way');
    const after = await reopen(stateDir);
    // The read that triggered the kill was asked for after the batch before it was made durable.
    assert.ok(after.offset >= run.killedAtRead - PER_READ, `stored offset ${after.offset}, yet the read reaching ${run.killedAtRead} had been made`);
    assert.ok(after.offset <= run.lastRead);
    assertStateAt(after.state, after.offset, 'after the kill');
  });
});

crash.run();
