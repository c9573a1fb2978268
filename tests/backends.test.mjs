// The Backend conformance suite against every backend built here, plus what only one backend has.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryBackend } from 'streamstate';
import { backendSuite } from './conformance/backend-suite.mjs';

const memory = suite('backend: memory');
backendSuite(memory, assert, async () => {
  const backend = new MemoryBackend();
  return { backend, path: (name) => `memory-suite/${name}`, cleanup: async () => {} };
});
memory.run();
