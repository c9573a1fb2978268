// The timestamped-state conformance suite on every backend built here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timestampedSuite } from './conformance/timestamped-suite.mjs';

let memoryNamespaces = 0;
const memory = suite('timestamped: memory');
timestampedSuite(memory, assert, async () => ({
  backend: 'memory',
  stateDir: `/memory-timestamped/${process.pid}-${++memoryNamespaces}`,
  cleanup: async () => {},
}));
memory.run();

const rocksdb = suite('timestamped: rocksdb');
timestampedSuite(rocksdb, assert, async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-timestamped-'));
  return { backend: 'rocksdb', stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
});
rocksdb.run();
