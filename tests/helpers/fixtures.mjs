// Small fixtures for the uvu test files: a temporary directory per test and the error a call
// throws or a promise rejects with. Only exports; does nothing when imported.
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rejection } from '../conformance/support.mjs';

/** Runs `fn(dir)` with a fresh temporary directory named `<prefix>XXXXXX`, removed afterwards; resolves to what `fn` returned. */
export async function withTemporaryDirectory(prefix, fn) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rejection of `promise` (or the error `promise()` throws or rejects with), failing the test (naming `what`) when there is none. */
export const rejectionOf = (promise, what = 'a rejection') => rejection(assert, promise, what);

/** The error `fn()` throws synchronously, failing the test when it returns. */
export function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.unreachable('expected an error');
}
