/**
 * Unsigned bytewise comparison, the key order of every backend.
 *
 * @module
 */

/**
 * Compare two byte strings lexicographically as unsigned bytes; a proper prefix sorts first.
 * @param a - first key
 * @param b - second key
 * @returns a negative number when `a < b`, zero when equal, a positive number when `a > b`
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
