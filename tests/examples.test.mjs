// The README's first command runs examples/word-count.mjs with the built-in source (no broker):
// here on every backend, each ending with every sentence counted and, on the file backends, the
// second half after rebuilding the state from the changelog.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runNode } from './helpers/run-node.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const test = suite('word-count example (built-in source)');

for (const backend of ['rocksdb', 'slatedb', 'memory']) {
  test(`${backend}: every sentence counted`, async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-example-'));
    try {
      const { code, stdout, stderr } = await runNode(['examples/word-count.mjs', '--backend', backend, '--state-dir', stateDir], 120_000);
      assert.is(code, 0, `the example failed:\n${stdout}\n${stderr}`);
      assert.match(stdout, /^3000 sentences counted/m);
      if (backend !== 'memory') assert.match(stdout, /after replaying [1-9]\d* changelog messages to rebuild the state/);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
}
test.run();

