// The memory-backend state conformance suite under Deno (a second runtime besides Node), through
// the minimal harness in tests/runtimes/state-suite-deno.mjs. Deno comes from npm (devDependency).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runProcess } from './helpers/run-node.mjs';

const onDeno = suite('state: memory under deno');

onDeno('every state conformance test passes under Deno', async () => {
  const { code, stdout, stderr } = await runProcess('node_modules/.bin/deno', ['run', '-A', 'tests/runtimes/state-suite-deno.mjs'], { timeoutMs: 180_000 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  assert.is(code, 0, `deno exited ${code}: ${stderr.slice(-2000)}`);
  const result = JSON.parse(last);
  assert.equal(result.failed, []);
  assert.ok(result.passed >= 63, `only ${result.passed} tests ran`);
});

onDeno.run();
