// Small fixtures for the uvu test files: a temporary directory per test and the rejection of a
// promise. Only exports; does nothing when imported.
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs `fn(dir)` with a fresh temporary directory named `<prefix>XXXXXX`, removed afterwards; resolves to what `fn` returned. */
export async function withTemporaryDirectory(prefix, fn) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rejection of `promise` (or the error `promise()` throws or rejects with), failing the test when there is none. */
export async function rejectionOf(promise) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
}
