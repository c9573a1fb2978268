/**
 * Argument checks shared by the backends, so every backend rejects the same bad input with the same
 * {@link BackendInvalidArgumentError}.
 *
 * @module
 */
import type { BatchOperation, IterateOptions } from './backend.js';
import { BackendInvalidArgumentError } from './errors.js';

const checkedBatches = new WeakSet<readonly BatchOperation[]>();

/**
 * Internal (not exported from the package), for the state layer: mark a batch whose operations it
 * has already checked (family names, `Uint8Array` keys and values) and whose arrays nobody changes
 * afterwards, so {@link BackendDatabase.write} neither checks nor copies them again. Batches from
 * anyone else are checked and copied at the backend boundary.
 * @returns `operations`
 */
export function markCheckedBatch<T extends readonly BatchOperation[]>(operations: T): T {
  checkedBatches.add(operations);
  return operations;
}

/**
 * @throws BackendInvalidArgumentError when it is not a non-empty string
 */
export function assertColumnFamilyName(cf: unknown): asserts cf is string {
  if (typeof cf !== 'string' || cf.length === 0) {
    throw new BackendInvalidArgumentError(`A column family name must be a non-empty string, got ${String(cf)}.`);
  }
}

/**
 * @throws BackendInvalidArgumentError when it is not a `Uint8Array`
 */
export function assertKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) {
    throw new BackendInvalidArgumentError(`A key must be a Uint8Array, got ${typeof key}.`);
  }
}

/**
 * @throws BackendInvalidArgumentError when it is not an array of `Uint8Array`s
 */
export function assertKeys(keys: unknown): asserts keys is Uint8Array[] {
  if (!Array.isArray(keys)) {
    throw new BackendInvalidArgumentError(`getMany() takes an array of Uint8Array keys, got ${typeof keys}.`);
  }
  keys.forEach(assertKey);
}

/**
 * Check every operation of a batch before any is applied, so a bad batch changes nothing; a batch
 * marked with {@link markCheckedBatch} is not checked again.
 * @returns whether the batch was marked, so its arrays may be kept without copying
 * @throws BackendInvalidArgumentError on the first malformed operation
 */
export function assertBatch(operations: readonly BatchOperation[]): boolean {
  if (checkedBatches.has(operations)) return true;
  if (!Array.isArray(operations)) {
    throw new BackendInvalidArgumentError('write() takes an array of { cf, key, value } operations.');
  }
  for (const operation of operations) {
    assertColumnFamilyName(operation?.cf);
    assertKey(operation.key);
    if (operation.value !== undefined && !(operation.value instanceof Uint8Array)) {
      throw new BackendInvalidArgumentError(
        `A batch value must be a Uint8Array, or undefined to delete; got ${typeof operation.value}.`,
      );
    }
  }
  return false;
}

/**
 * @returns the limit as a number (`Infinity` when unlimited)
 * @throws BackendInvalidArgumentError when a bound is not a `Uint8Array` or the limit is not a
 *   non-negative integer
 */
export function checkIterateOptions(options: IterateOptions): number {
  assertColumnFamilyName(options?.cf);
  if (options.gte !== undefined) assertKey(options.gte);
  if (options.lt !== undefined) assertKey(options.lt);
  const limit = options.limit ?? Infinity;
  if (limit !== Infinity && !(Number.isInteger(limit) && limit >= 0)) {
    throw new BackendInvalidArgumentError(`limit must be a non-negative integer, got ${String(options.limit)}.`);
  }
  return limit;
}
