// The default logger: with no logger installed, warnings (a lock wait, naming the partition's
// location) reach the console as `streamstate: ...` on stderr, info lines do not;
// setLogger(silentLogger) silences everything. Each case runs in a fresh Node process, so nothing
// else in the suite has installed a logger, and its stderr is what a user would see.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DEADLINE_MS = 120_000;
const s = suite('logging: the default logger prints warnings and errors');

// A second manager opening a SlateDB partition the first holds: one lock wait, then it gives up.
const program = (stateDir, silence) => `
import { StateStoreManager, setLogger, silentLogger } from 'streamstate';
${silence ? 'setLogger(silentLogger);' : ''}
const options = (extra) => ({ stateDir: ${JSON.stringify(stateDir)}, groupId: 'g', backend: 'slatedb', slatedbOptions: extra });
const first = new StateStoreManager(options({}));
first.registerStore('t', 'counts');
await first.onPartitionAssign('t', 0);
const second = new StateStoreManager(options({ openMaxRetries: 2, openRetryBackoffMs: 100 }));
second.registerStore('t', 'counts');
const error = await second.onPartitionAssign('t', 0).then(() => undefined, (e) => e);
await second.close();
await first.close();
process.stdout.write(error ? 'refused' : 'opened');
`;

async function runProgram(silence) {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-logging-'));
  try {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', program(stateDir, silence)], {
      encoding: 'utf8',
      timeout: DEADLINE_MS,
      cwd: path.dirname(new URL(import.meta.url).pathname),
    });
    assert.is(result.signal, null, `the program did not finish within ${DEADLINE_MS} ms\n${result.stderr}`);
    assert.is(result.status, 0, result.stderr);
    assert.is(result.stdout, 'refused', 'the second opener could not take the partition');
    return { stderr: result.stderr, stateDir };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

s('no logger installed: the lock wait is a warn line on stderr naming the location; info lines are dropped', async () => {
  const { stderr, stateDir } = await runProgram(false);
  const lines = stderr.split('\n').filter((line) => line.startsWith('streamstate: '));
  const waits = lines.filter((line) => line.startsWith('streamstate: Failed to open slatedb partition, cannot acquire a lock (attempt 1/2)'));
  assert.is(waits.length, 1, stderr);
  assert.ok(waits[0].includes('store="counts" stream="t" partition=0'), waits[0]);
  assert.ok(waits[0].endsWith(`path="${path.join(stateDir, 'g', 'counts', 't', '0')}"`), waits[0]);
  assert.not.match(stderr, 'Opened slatedb partition', 'info lines are not printed by default');
});

s('setLogger(silentLogger): nothing is printed', async () => {
  const { stderr } = await runProgram(true);
  assert.not.match(stderr, 'streamstate:', stderr);
  assert.not.match(stderr, 'cannot acquire a lock', stderr);
});

s.run();
