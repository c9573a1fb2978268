// The windowed-state conformance suite on every backend built here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { windowedSuite } from './conformance/windowed-suite.mjs';

let memoryNamespaces = 0;
const memory = suite('windowed: memory');
windowedSuite(memory, assert, async () => ({
  backend: 'memory',
  stateDir: `/memory-windowed/${process.pid}-${++memoryNamespaces}`,
  cleanup: async () => {},
}));
memory.run();

const rocksdb = suite('windowed: rocksdb');
windowedSuite(rocksdb, assert, async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'streamstate-windowed-'));
  return { backend: 'rocksdb', stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
});
rocksdb.run();
