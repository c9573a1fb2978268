/**
 * The one key order every store lists in: Unicode code point order, which is also the byte order of
 * the keys' UTF-8 encodings. S3 lists in UTF-8 byte order and SlateDB (Rust strings) compares that
 * way too; JavaScript's `<` compares UTF-16 code units, which disagrees for characters above U+FFFF
 * versus U+E000–U+FFFF. Internal: not exported from the package.
 *
 * @module
 */

/**
 * Compare two keys by code point (= UTF-8 byte order).
 * @returns a negative number, zero or a positive number, like `Array.prototype.sort` expects
 */
export function compareKeys(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogate units (0xD800-0xDFFF) stand for code points above 0xFFFF, so they must rank above the
// units 0xE000-0xFFFF; shifting the two blocks past each other does that without decoding pairs.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
