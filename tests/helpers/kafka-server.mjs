// A real Kafka broker for a test file (Apache Kafka in KRaft mode on 127.0.0.1, via
// scripts/kafka-server.sh).
//
// tests/run.mjs starts ONE broker for all of tests/kafka/ and passes its address in KAFKA_BOOTSTRAP
// (a broker takes ~5 s to start and ~300 MB; uvu imports every file before running any test, so
// per-file brokers would all be up at once). `startKafkaServer()` reuses that broker; files must
// then use topic and group names of their own (see `uniqueName`). A file that stops, kills or
// restarts the broker asks for its own with `{ dedicated: true }`, best from a suite's `before`
// hook (so it is up only while that suite runs) with `stop()` in `after`. Run without the runner
// (`node node_modules/uvu/bin.js tests kafka/`), every file starts its own.
//
// Resolves to `undefined` only when the script says (exit status 3) that no broker can be
// installed on this machine; the caller then skips loudly (`skipLoudly`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './run-node.mjs';
import { skipLoudly as sharedSkipLoudly } from './skip-loudly.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = path.join(repoRoot, 'scripts', 'kafka-server.sh');

/** Runs the script with a deadline (see `runProcess`), echoing its standard error unless `quiet`. */
export function runKafkaScript(command, state, { timeoutMs = 150_000, quiet = false } = {}) {
  const env = { STREAMSTATE_KAFKA_STATE: state, FORCE_COLOR: undefined };
  const onStderr = quiet ? undefined : (chunk) => process.stderr.write(chunk);
  return runProcess('bash', [script, command], { env, timeoutMs, onStderr }).catch((error) => {
    error.message += `\n(state ${state}; see ${state}/kafka.log)`;
    throw error;
  });
}

/** Parses the `export NAME=value` lines of `scripts/kafka-server.sh env`. */
function exports(text) {
  return Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

/**
 * A broker for this test file.
 * @param {{ dedicated?: boolean, timeoutMs?: number }} [options] - `dedicated`: a broker of this
 *   file's own even when the runner started a shared one (for tests that stop or kill it).
 * @returns {Promise<undefined | {
 *   bootstrap: string, shared: boolean, state?: string, logFile?: string,
 *   stop(): Promise<void>, kill(): Promise<void>, restart(): Promise<void>
 * }>} `bootstrap` is `127.0.0.1:PORT`. On a shared broker `stop()` does nothing and `kill()`
 *   / `restart()` throw. `restart()` starts the broker again with its data (same port when free:
 *   read `bootstrap` again afterwards).
 */
export async function startKafkaServer({ dedicated = false, timeoutMs = 150_000 } = {}) {
  if (process.env.STREAMSTATE_KAFKA_UNAVAILABLE) return undefined;
  if (process.env.STREAMSTATE_KAFKA_START_FAILED && !dedicated) {
    throw new Error(`the broker tests/run.mjs started for tests/kafka/ is not up (${process.env.STREAMSTATE_KAFKA_START_FAILED}): its log is printed above`);
  }
  if (!dedicated && process.env.KAFKA_BOOTSTRAP) {
    const refuse = async () => {
      throw new Error('this broker is shared by every file in tests/kafka/: ask for { dedicated: true } to stop or kill one');
    };
    return { bootstrap: process.env.KAFKA_BOOTSTRAP, shared: true, stop: async () => {}, kill: refuse, restart: refuse };
  }
  const state = mkdtempSync(path.join(tmpdir(), 'streamstate-kafka-test-'));
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    rmSync(state, { recursive: true, force: true });
  };
  // Never leave a broker behind, whatever happens to the caller's cleanup.
  const onExit = () => {
    try {
      const pid = Number(readFileSync(path.join(state, 'pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // not running
    }
    cleanup();
  };
  process.on('exit', onExit);
  const server = { bootstrap: '', shared: false, state, logFile: path.join(state, 'kafka.log') };
  const start = async () => {
    const started = await runKafkaScript('start', state, { timeoutMs });
    if (started.code === 3) return false;
    if (started.code !== 0) throw new Error(`scripts/kafka-server.sh start failed with status ${started.code} (state ${state})`);
    const vars = exports((await runKafkaScript('env', state, { quiet: true })).stdout);
    if (!vars.KAFKA_BOOTSTRAP) throw new Error(`scripts/kafka-server.sh env printed no KAFKA_BOOTSTRAP (state ${state})`);
    server.bootstrap = vars.KAFKA_BOOTSTRAP;
    return true;
  };
  const command = async (name) => {
    const out = await runKafkaScript(name, state, { timeoutMs: 60_000 });
    if (out.code !== 0) throw new Error(`scripts/kafka-server.sh ${name} failed with status ${out.code}: ${out.stderr}`);
  };
  server.stop = async () => {
    await command('stop');
    process.off('exit', onExit);
    cleanup();
  };
  server.kill = () => command('kill');
  server.restart = async () => {
    await command('stop');
    await start();
  };
  if (!(await start())) {
    process.off('exit', onExit);
    cleanup();
    return undefined;
  }
  return server;
}

/** A topic or group name no other test (or earlier run on a shared broker) has used. */
export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Prints a skip reason so it cannot be missed, and records it as a skipped uvu test (a failed one under CI). */
export function skipLoudly(suiteFactory, name) {
  sharedSkipLoudly(suiteFactory, name, 'no broker', process.env.STREAMSTATE_KAFKA_UNAVAILABLE ?? 'scripts/kafka-server.sh cannot install a Kafka broker on this machine (see above)');
}
