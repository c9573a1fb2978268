#!/usr/bin/env node
// Runs every uvu test file (tests/**/*.test.mjs, or those matching argv[2]) and ends with an
// unambiguous count line, "N passed, N failed", after uvu's own Total/Passed/Skipped summary.
// Tests have their own deadlines (tests/helpers/deadline.mjs); as a backstop the run is killed, and
// counts as failed, when it outlives STREAMSTATE_TEST_TIMEOUT_S (default 2400 s) or when the
// process is still alive 60 s after uvu printed its summary (something was left running).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pattern = process.argv[2] ?? '\\.test\\.mjs$';
const uvu = path.join(root, 'node_modules', 'uvu', 'bin.js');
// Plain output (the summary is parsed below); NO_COLOR alone, since Node warns when both are set.
const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
const child = spawn(process.execPath, [uvu, 'tests', pattern], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
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
child.on('close', (code) => {
  clearTimeout(overall);
  clearTimeout(lingering);
  const num = (label) => {
    const m = out.match(new RegExp(`${label}:\\s+(\\d+)`));
    return m ? Number(m[1]) : 0;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
