// The README's example against the real broker: `node examples/word-count.mjs --broker ADDRESS`
// (Node 24, a topic and group of its own per run) ends with every sentence counted, the second half
// after rebuilding its state from the changelog topic. The same program without --broker is run by
// tests/examples.test.mjs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runNode } from '../helpers/run-node.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { skipLoudly, startKafkaServer } from '../helpers/kafka-server.mjs';

const server = await startKafkaServer();
if (server === undefined) skipLoudly(suite, 'word-count example on Kafka');
else {
  const test = suite('word-count example on a real broker');
  for (const backend of ['rocksdb', 'slatedb']) {
    test(`${backend}: every sentence counted, state rebuilt from the changelog halfway`, async () => {
      const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-example-'));
      try {
        const { code, stdout, stderr } = await runNode(['examples/word-count.mjs', '--broker', server.bootstrap, '--backend', backend, '--state-dir', stateDir], { timeoutMs: 180_000 });
        assert.is(code, 0, `the example failed:\n${stdout}\n${stderr}`);
        assert.match(stdout, /^3000 sentences counted/m);
        assert.match(stdout, /second half: \d+ sentences, after replaying [1-9]\d* changelog messages/);
        assert.match(stdout, /Recovered changelog__word-count-\w+--sentences-\w+--default\[\d\]: replayed \d+/);
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    });
  }
  test.run();
}

