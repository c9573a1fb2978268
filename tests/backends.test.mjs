// The Backend conformance suite against every backend built here, plus what only one backend has.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryBackend, RocksDbBackend } from 'streamstate';
import { backendSuite } from './conformance/backend-suite.mjs';

const memory = suite('backend: memory');
backendSuite(memory, assert, async () => {
  const backend = new MemoryBackend();
  return { backend, path: (name) => `memory-suite/${name}`, cleanup: async () => {} };
});
memory.run();

const rocksdb = suite('backend: rocksdb');
backendSuite(rocksdb, assert, async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'streamstate-rocksdb-'));
  return {
    backend: new RocksDbBackend(),
    path: (name) => path.join(root, name),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
rocksdb.run();
