// The backends every state-level suite runs on: one list, so a suite (state, windowed, timestamped,
// window operators) cannot forget one. Each entry is [name, makeEnv]; makeEnv returns
// { backend, stateDir, cleanup } for one scenario.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

let namespaces = 0;

/**
 * @param {string} label - the suite's name, used in state directories
 * @returns {[string, () => Promise<{ backend: string, stateDir: string, cleanup: () => Promise<void> }>][]}
 */
export function stateBackends(label) {
  const temporary = async (backend) => {
    const stateDir = await mkdtemp(path.join(tmpdir(), `streamstate-${label}-${backend}-`));
    return { backend, stateDir, cleanup: () => rm(stateDir, { recursive: true, force: true }) };
  };
  return [
    ['memory', async () => ({ backend: 'memory', stateDir: `/memory-${label}/${process.pid}-${++namespaces}`, cleanup: async () => {} })],
    ['rocksdb', () => temporary('rocksdb')],
    // A location-style state directory: each partition's database goes to that named memory store.
    ['slatedb on the memory object store', async () => ({ backend: 'slatedb', stateDir: `memory://slatedb-${label}-${process.pid}-${++namespaces}`, cleanup: async () => {} })],
    ['slatedb on local files', () => temporary('slatedb')],
  ];
}
