/**
 * The on-disk layout of one object of {@link LocalFileObjectStore}: a small header, then the bytes.
 *
 * ```
 * 8 bytes   magic "\x89SSOBJ1\n"
 * 4 bytes   header length N, unsigned big-endian
 * N bytes   header: UTF-8 JSON {"etag": string, "metadata": {name: value}}
 * ...       the object's bytes
 * ```
 *
 * The etag and user metadata live in the same file as the data, so the one rename (or link) that
 * publishes an object publishes all three together: no sidecar that a crash could leave out of step.
 * Internal: not exported from the package.
 *
 * @module
 */

import { dataCorruption } from './failures.js';

const MAGIC = new Uint8Array([0x89, 0x53, 0x53, 0x4f, 0x42, 0x4a, 0x31, 0x0a]);
const FIXED_BYTES = MAGIC.length + 4;

/** Bytes to read first when only the header is wanted; covers any header of legal metadata. */
export const HEADER_PROBE_BYTES = 8192;

/** The header fields of a stored object. */
export interface ObjectHeader {
  etag: string;
  metadata: Record<string, string>;
}

/** Encode the bytes that precede the object's data in its file. */
export function encodeHeader(header: ObjectHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ etag: header.etag, metadata: header.metadata }));
  const bytes = new Uint8Array(FIXED_BYTES + json.length);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length);
  bytes.set(json, FIXED_BYTES);
  return bytes;
}

/**
 * How many bytes the header occupies, from the first bytes of a file; `undefined` when `prefix` is
 * too short to tell (read at least {@link HEADER_PROBE_BYTES}).
 * @throws ObjectStoreError `DataCorruption` when the file is not a streamstate object
 */
export function headerLength(prefix: Uint8Array, path: string, key: string): number | undefined {
  if (prefix.length < FIXED_BYTES) {
    if (MAGIC.subarray(0, prefix.length).every((b, i) => prefix[i] === b)) return undefined;
    throw notAnObject(path, key);
  }
  if (!MAGIC.every((b, i) => prefix[i] === b)) throw notAnObject(path, key);
  return FIXED_BYTES + new DataView(prefix.buffer, prefix.byteOffset).getUint32(MAGIC.length);
}

/**
 * Decode the header from the first `length` bytes of a file (`length` from {@link headerLength}).
 * @throws ObjectStoreError `DataCorruption` when the header is damaged
 */
export function decodeHeader(bytes: Uint8Array, length: number, path: string, key: string): ObjectHeader {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(FIXED_BYTES, length)));
    if (typeof parsed.etag === 'string' && parsed.metadata && typeof parsed.metadata === 'object') {
      return { etag: parsed.etag, metadata: parsed.metadata };
    }
  } catch {
    // fall through to the same error as a structurally wrong header
  }
  throw dataCorruption(
    key,
    `${path}: damaged streamstate object header; the file was changed outside the store. Restore it from ` +
      'a backup, or delete it (a SlateDB database holding it reads as corrupted: recreate it)',
  );
}

function notAnObject(path: string, key: string): Error {
  return dataCorruption(
    key,
    `${path} is not an object written by LocalFileObjectStore (no streamstate header); remove it, ` +
      'or keep foreign files outside the store root',
  );
}
