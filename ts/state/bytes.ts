/**
 * Small byte-string helpers of the state layer: concatenation, UTF-8, a printable form for error
 * messages, and an order-preserving string form of keys for use as `Map` keys.
 *
 * @module
 */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * @param text - any string
 * @returns its UTF-8 bytes
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * @param bytes - UTF-8 bytes
 * @returns the text
 * @throws TypeError when the bytes are not valid UTF-8
 */
export function utf8Decode(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}


/**
 * One character per byte (code 0-255). Two such strings compare with `<` exactly as the bytes
 * compare unsigned-bytewise, so they serve as `Map` keys and sort keys for byte keys.
 * @param bytes - a key
 * @returns its string form
 */
export function bytesToKeyString(bytes: Uint8Array): string {
  if (bytes.length <= 64) {
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    return text;
  }
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

/**
 * A printable form of bytes for messages, like Python's `b'...'`: printable ASCII as is, other
 * bytes as `\xNN`, cut after `limit` bytes.
 * @param limit - most bytes shown
 * @returns e.g. `b'ab\x00'`
 */
export function bytesRepr(bytes: Uint8Array, limit = 64): string {
  let text = "b'";
  for (const byte of bytes.subarray(0, limit)) {
    if (byte === 0x27 || byte === 0x5c) text += '\\' + String.fromCharCode(byte);
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return text + (bytes.length > limit ? `'... (${bytes.length} bytes)` : "'");
}

export { concatBytes } from '../bytes.js';
