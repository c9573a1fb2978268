#!/usr/bin/env node
// Runs every uvu test file (tests/**/*.test.mjs, or those matching argv[2], matched as uvu matches:
// case-insensitively against the path below tests/) and ends with one unambiguous count line,
// "N passed, N failed, N skipped", after uvu's own Total/Passed/Skipped summaries.
//
// Two uvu processes, one after the other:
// - every file outside tests/kafka/, on the Node running this script, as always;
// - the files in tests/kafka/, on Node 24 (their Kafka client, @platformatic/kafka 2.x, needs
//   Node >= 22.22; tests/helpers/node24.mjs installs Node 24 from npm into a cache), against ONE
//   real broker that this script starts (scripts/kafka-server.sh, its own state directory and
//   ports) while the first process runs, passes to the files as KAFKA_BOOTSTRAP, and stops at the
//   end. One broker for all of them, not one per file: a broker costs ~5 s to start and ~300 MB,
//   and uvu imports every file before running any test, so per-file brokers would all be up at
//   once. Files that stop or kill a broker start their own (tests/helpers/kafka-server.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { node24 } from './helpers/node24.mjs';
import { runKafkaScript } from './helpers/kafka-server.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const testsDir = path.join(root, 'tests');
const pattern = new RegExp(process.argv[2] ?? '\\.test\\.mjs$', 'i');
const uvu = path.join(root, 'node_modules', 'uvu', 'bin.js');
const KAFKA_DIR = 'kafka';

/** The test files uvu would pick for `uvu tests <pattern>`: paths below tests/, sorted. */
function collect(dir, prefix = '') {
  const ignores = [/^.git/i, /node_modules/i];
  const files = [];
  for (const entry of readdirSync(dir)) {
    const name = prefix ? `${prefix}/${entry}` : entry;
    if (ignores.some((re) => re.test(name))) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...collect(full, name));
    else if (pattern.test(name)) files.push(name);
  }
  return files.sort((a, b) => a.localeCompare(b));
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A uvu pattern matching exactly these files. */
const exactly = (files) => `^(${files.map(escape).join('|')})$`;

const files = collect(testsDir);
const kafkaFiles = files.filter((f) => f.startsWith(`${KAFKA_DIR}/`));
const otherFiles = files.filter((f) => !f.startsWith(`${KAFKA_DIR}/`));

// Plain output (the summary is parsed below); NO_COLOR alone, since Node warns when both are set.
const baseEnv = { ...process.env, NO_COLOR: '1' };
delete baseEnv.FORCE_COLOR;

/** Runs one uvu process over `list`, streaming its output; resolves to its counts. */
function runUvu(command, list, env, extraArgs = []) {
  return new Promise((resolve) => {
    const child = spawn(command, [uvu, 'tests', exactly(list), ...extraArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env });
    // Tests have their own deadlines (tests/helpers/deadline.mjs); as a backstop a uvu process is
    // killed, and counts as failed, when it outlives STREAMSTATE_TEST_TIMEOUT_S (default 2400 s) or
    // is still alive 60 s after printing its summary (a timer or child was left running).
    const kill = (why) => {
      console.error(`\n[tests/run] ${why}: killing the test process; the run fails.`);
      child.kill('SIGKILL');
    };
    const limitS = Number(process.env.STREAMSTATE_TEST_TIMEOUT_S ?? 2400);
    const overall = setTimeout(() => kill(`the run took longer than ${limitS} s (a test hangs)`), limitS * 1000);
    let lingering;
    let out = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out += chunk.toString();
      if (!lingering && /Duration:/.test(out)) {
        lingering = setTimeout(() => kill('the test process is still alive 60 s after its summary (a timer or child was left running)'), 60_000);
      }
    });
    child.on('close', () => {
      clearTimeout(overall);
      clearTimeout(lingering);
    });
    child.on('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve({ passed: 0, failed: 1, skipped: 0, ok: false });
    });
    child.on('close', (code) => {
      const num = (label) => {
        const m = out.match(new RegExp(`${label}:\\s+(\\d+)`));
        return m ? Number(m[1]) : 0;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
      resolve({ passed, failed, skipped, ok: code === 0 && failed === 0 });
    });
  });
}

/** The broker for tests/kafka/: `{ env }` for the uvu process, and `stop()`. */
async function startBroker() {
  const state = mkdtempSync(path.join(tmpdir(), 'streamstate-kafka-run-'));
  const stop = async () => {
    await runKafkaScript('stop', state, { timeoutMs: 60_000, quiet: true }).catch(() => {});
    rmSync(state, { recursive: true, force: true });
  };
  process.on('exit', () => {
    // Never leave a broker behind (a crash or Ctrl-C of this script); only synchronous work runs here.
    try {
      process.kill(Number(readFileSync(path.join(state, 'pid'), 'utf8')), 'SIGKILL');
    } catch {
      // not running
    }
    rmSync(state, { recursive: true, force: true });
  });
  try {
    const started = await runKafkaScript('start', state, { quiet: true });
    if (started.code === 3) {
      const reason = started.stderr.split('\n').find((line) => line.includes('UNAVAILABLE')) ?? 'scripts/kafka-server.sh exited with 3';
      return { log: started.stderr, env: { STREAMSTATE_KAFKA_UNAVAILABLE: reason.trim() }, stop };
    }
    if (started.code !== 0) {
      return { log: started.stderr, env: { STREAMSTATE_KAFKA_START_FAILED: `scripts/kafka-server.sh start failed with status ${started.code}` }, stop };
    }
    const printed = await runKafkaScript('env', state, { quiet: true });
    const bootstrap = printed.stdout.match(/^export KAFKA_BOOTSTRAP=(.*)$/m)?.[1];
    if (!bootstrap) return { log: started.stderr, env: { STREAMSTATE_KAFKA_START_FAILED: 'scripts/kafka-server.sh env printed no KAFKA_BOOTSTRAP' }, stop };
    return { log: started.stderr, env: { KAFKA_BOOTSTRAP: bootstrap }, stop };
  } catch (error) {
    return { log: '', env: { STREAMSTATE_KAFKA_START_FAILED: error.message }, stop };
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const results = [];
let kafkaRuntime;
let broker;
if (kafkaFiles.length > 0) {
  kafkaRuntime = node24();
  // Started now, so the broker comes up while the other files run.
  if (kafkaRuntime.path) broker = startBroker();
}
if (otherFiles.length > 0) results.push(await runUvu(process.execPath, otherFiles, baseEnv));
if (kafkaFiles.length > 0) {
  if (!kafkaRuntime.path) {
    console.error(`\ntests/${KAFKA_DIR}/ NOT RUN (${kafkaFiles.length} files): Node 24 is needed and could not be installed: ${kafkaRuntime.reason}`);
    results.push({ passed: 0, failed: 1, skipped: 0, ok: false });
  } else {
    const ready = await broker;
    process.stderr.write(ready.log);
    console.log(`\ntests/${KAFKA_DIR}/ on Node 24 (${kafkaRuntime.path}), broker ${ready.env.KAFKA_BOOTSTRAP ?? 'not started'}`);
    // Node 24 warns when NO_COLOR and FORCE_COLOR are both set, and uvu sets FORCE_COLOR unless told not to colour.
    results.push(await runUvu(kafkaRuntime.path, kafkaFiles, { ...baseEnv, ...ready.env }, ['--no-color']));
    await ready.stop();
  }
}
const sum = (key) => results.reduce((total, r) => total + r[key], 0);
console.log(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
