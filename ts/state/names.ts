/**
 * Rules for the names the state layer turns into paths and key spaces: store names and stream ids
 * (directory names) and column family names.
 *
 * @module
 */
import { InvalidColumnFamilyNameError, InvalidStoreNameError } from './errors.js';

const COLUMN_FAMILY_NAME = /^[A-Za-z0-9_.-]{1,200}$/;
// Path separators, the NUL byte and characters Windows refuses in file names.
const UNSAFE_IN_PATH = /[/\\\0<>:"|?*]/;

/**
 * Check a store name or stream id, which become directory names.
 * @param what - `'store name'` or `'stream id'`, for the message
 * @throws InvalidStoreNameError when it is empty, `.` or `..`, longer than 200 characters, or has a
 *   path separator, NUL or one of `<>:"|?*`
 */
export function assertPathSafeName(name: unknown, what: 'store name' | 'stream id'): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200 || name === '.' || name === '..' || UNSAFE_IN_PATH.test(name)) {
    throw new InvalidStoreNameError(
      `Invalid ${what} ${JSON.stringify(name) ?? String(name)}: it names a directory, so it must be a non-empty string of at most 200 characters, not "." or "..", without / \\ NUL or <>:"|?*.`,
    );
  }
}

/**
 * Check a column family name.
 * @throws InvalidColumnFamilyNameError unless it is 1-200 characters of `[A-Za-z0-9_.-]`
 */
export function assertColumnFamilyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !COLUMN_FAMILY_NAME.test(name)) {
    throw new InvalidColumnFamilyNameError(
      `Invalid column family name ${JSON.stringify(name) ?? String(name)}: use 1-200 characters of A-Z a-z 0-9 _ . - (e.g. "default", "__values__").`,
    );
  }
}
