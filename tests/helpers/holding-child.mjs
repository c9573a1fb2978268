// Both halves of the cross-process lock tests: a child process that holds a database or partition
// prints "open" once it does and lets go when its stdin closes (or when it is killed).
// - withHoldingChild (test side): spawns such a child and runs the test while it holds.
// - holdPartition (child side): what state-lock-holder.mjs and slatedb-partition-holder.mjs do.
// Only exports; does nothing when imported (a test runner may load every file under tests/).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateStoreManager, withTransaction } from 'streamstate';

const helpers = path.dirname(fileURLToPath(import.meta.url));

/**
 * Spawns `node tests/helpers/<script> ...args` (stdin and stdout piped, stderr inherited), waits
 * until it prints "open" (rejecting if it exits first), then resolves to what `fn({ child, exited })`
 * resolves to; `exited` resolves with the child's exit code. The child is killed (SIGKILL)
 * afterwards in any case.
 */
export async function withHoldingChild(script, args, fn) {
  const child = spawn(process.execPath, [path.join(helpers, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => chunk.toString().includes('open') && resolve());
      child.on('exit', (code) => reject(new Error(`the holding child exited early (${code})`)));
    });
    return await fn({ child, exited });
  } finally {
    child.kill('SIGKILL');
  }
}

/**
 * In the child: opens partition 0 of store "default" on stream "topic" through a StateStoreManager
 * made with `{ groupId: 'group', ...managerOptions }`, writes "holder" = "child", prints "open", and
 * holds the partition until stdin closes (then closes the manager and exits 0).
 */
export async function holdPartition(managerOptions) {
  const manager = new StateStoreManager({ groupId: 'group', ...managerOptions });
  manager.registerStore('topic');
  const { default: partition } = await manager.onPartitionAssign('topic', 0);
  await withTransaction(partition, (tx) => tx.asState().set('holder', 'child'));
  process.stdout.write('open\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await manager.close();
    process.exit(0);
  });
}
