// Shared by examples/deno-and-bun/deno.mjs and examples/deno-and-bun/bun.mjs (not run on its own): a word count on the
// SlateDB backend (local files), twice over the same state directory. Exits non-zero when the
// second pass did not start from the first pass's counts.
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { StateStoreManager } from 'streamstate';

const SENTENCES = ['the quick brown fox', 'the lazy dog', 'the fox jumps', 'a dog sleeps'];

/** Counts SENTENCES' words into the state under `stateDir`; returns the counts of three words. */
async function pass(stateDir) {
  const manager = new StateStoreManager({ stateDir, groupId: 'word-count', backend: 'slatedb' });
  try {
    manager.registerStore('sentences', 'counts');
    await manager.onPartitionAssign('sentences', 0);
    const tx = manager.getStore('sentences', 'counts').startPartitionTransaction(0);
    for (const word of SENTENCES.flatMap((sentence) => sentence.split(' '))) {
      const state = tx.asState(word);
      state.set('count', (await state.get('count', 0)) + 1);
    }
    await tx.prepare({});
    await tx.flush();
    const read = manager.getStore('sentences', 'counts').startPartitionTransaction(0);
    return Object.fromEntries(await Promise.all(['the', 'fox', 'dog'].map(async (word) => [word, await read.asState(word).get('count', 0)])));
  } finally {
    await manager.close();
  }
}

/** Runs two passes and prints the counts. */
export async function count({ runtime, args }) {
  const { values } = parseArgs({ args, options: { 'state-dir': { type: 'string', default: '.example-state' } } });
  const stateDir = values['state-dir'];
  await rm(stateDir, { recursive: true, force: true });
  const first = await pass(stateDir);
  const second = await pass(stateDir);
  console.log(`${runtime}: after one pass ${JSON.stringify(first)}; after a second pass over the same state ${JSON.stringify(second)}`);
  if (first.the !== 3 || second.the !== 6 || second.fox !== 4) process.exit(1);
}
