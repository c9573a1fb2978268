// Small fixtures for the uvu test files: a temporary directory per test and the rejection of a
// promise. Only exports; does nothing when imported.
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs `fn(dir)` with a fresh temporary directory named `<prefix>XXXXXX`, removed afterwards. */
export async function withTemporaryDirectory(prefix, fn) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rejection of `promise`, failing the test when it resolves. */
export async function rejectionOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
}
