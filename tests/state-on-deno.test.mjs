// The memory-backend state conformance suite under Deno (a second runtime besides Node), through
// the minimal harness in tests/runtimes/state-suite-deno.mjs. Deno comes from npm (devDependency).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDeadline } from './helpers/deadline.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const onDeno = suite('state: memory under deno');

onDeno('every state conformance test passes under Deno', async () => {
  const { code, stdout, stderr } = await withDeadline(180_000, 'state suite under deno', () => new Promise((resolve) => {
    execFile('node_modules/.bin/deno', ['run', '-A', 'tests/runtimes/state-suite-deno.mjs'], { cwd: root, timeout: 170_000 }, (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }));
  }));
  const last = stdout.trim().split('\n').at(-1) ?? '';
  assert.is(code, 0, `deno exited ${code}: ${stderr.slice(-2000)}`);
  const result = JSON.parse(last);
  assert.equal(result.failed, []);
  assert.ok(result.passed >= 63, `only ${result.passed} tests ran`);
});

onDeno.run();
