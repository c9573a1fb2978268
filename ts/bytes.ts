/**
 * Byte-string helpers shared by every layer (engine, backends, state): the unsigned bytewise key
 * order of every backend, and concatenation.
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

/**
 * Concatenate byte strings.
 * @param parts - byte strings
 * @returns one new array holding them in order
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
