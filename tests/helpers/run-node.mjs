// Runs a child process with a deadline, for tests and bench: resolves to its exit status and output;
// rejects when it cannot be spawned, and (after SIGKILL) when it runs past the deadline.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `command args` with stdin closed and its output collected.
 * @param {{ cwd?: string, env?: Record<string, string | undefined>, timeoutMs?: number, group?: boolean, onStderr?: (chunk: Buffer) => void }} [options]
 *   `cwd` defaults to the repository; `env` is added to this process's environment (an `undefined`
 *   value removes a variable); `group` starts the child in a process group of its own and kills the
 *   whole group past the deadline (for `sh -c` lines that start more processes); `onStderr` sees
 *   each chunk of standard error as it arrives.
 * @returns {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string }>}
 */
export function runProcess(command, args, { cwd = root, env = {}, timeoutMs = 120_000, group = false, onStderr } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      onStderr?.(chunk);
    });
    const timer = setTimeout(() => {
      if (group) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `node args` (the Node running the test) in the repository, without colours; see {@link runProcess}. */
export const runNode = (args, options) => runProcess(process.execPath, args, { ...options, env: { NO_COLOR: '1', ...options?.env } });
