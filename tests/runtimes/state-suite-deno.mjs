// The memory-backend state conformance suite under a second runtime (Deno, or any runtime that
// runs ES modules and resolves `streamstate` from this checkout). A minimal harness: each test runs
// in order; prints one JSON line { passed, failed: [names] } and exits 1 on any failure.
// Run by tests/state-runtime.test.mjs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodeAssert from 'node:assert/strict';
import { stateSuite } from '../conformance/state-suite.mjs';

const tests = [];
const assert = {
  ok: (value, message) => nodeAssert.ok(value, message),
  is: (actual, expected, message) => nodeAssert.strictEqual(actual, expected, message),
  equal: (actual, expected, message) => nodeAssert.deepStrictEqual(actual, expected, message),
  not: { ok: (value, message) => nodeAssert.ok(!value, message) },
};
stateSuite((name, fn) => tests.push([name, fn]), assert, async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-state-rt-'));
  return { backend: 'memory', stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
});
let passed = 0;
const failed = [];
for (const [name, fn] of tests) {
  try {
    await fn();
    passed++;
  } catch (error) {
    failed.push(`${name}: ${error?.message ?? error}`);
  }
}
console.log(JSON.stringify({ passed, failed }));
if (failed.length > 0) throw new Error(`${failed.length} state tests failed`);
