/**
 * Validation and normalisation of the arguments of {@link ObjectStore} methods, shared by the
 * built-in stores so they accept and refuse exactly the same inputs. Internal: not exported.
 *
 * @module
 */
import type { ByteRange, PutMode } from './object-store.js';
import { invalidArgument, invalidRange } from './failures.js';

/** A put mode after validation. */
export type ResolvedPutMode =
  | { kind: 'overwrite' }
  | { kind: 'create' }
  | { kind: 'swap'; etag: string };

/** Half-open byte interval `[start, end)` within an object. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/** S3's limit on user metadata (keys plus values, in bytes); every store enforces it alike. */
export const MAX_METADATA_BYTES = 2048;

/**
 * Check that `key` is a usable object key.
 * @throws ObjectStoreError `InvalidArgument` when it is not a non-empty string
 */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalidArgument(
      String(key),
      `object key must be a non-empty string, got ${describe(key)}; pass e.g. "db/manifest/1"`,
    );
  }
  return key;
}

/**
 * Check that `data` is a `Uint8Array`.
 * @throws ObjectStoreError `InvalidArgument` otherwise
 */
export function checkBytes(key: string, data: unknown): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw invalidArgument(
      key,
      `put of "${key}" needs the data as a Uint8Array, got ${describe(data)}; ` +
        `encode strings with new TextEncoder().encode(text)`,
    );
  }
  return data;
}

/**
 * Validate a {@link PutMode}.
 * @throws ObjectStoreError `InvalidArgument` for an unknown mode or a compare-and-swap without etag
 */
export function resolvePutMode(key: string, mode: PutMode | undefined): ResolvedPutMode {
  if (mode === undefined || mode === 'overwrite') return { kind: 'overwrite' };
  if (mode === 'create') return { kind: 'create' };
  if (mode !== null && typeof mode === 'object') {
    if (typeof mode.etag === 'string' && mode.etag.length > 0) return { kind: 'swap', etag: mode.etag };
    throw invalidArgument(
      key,
      `compare-and-swap put of "${key}" needs the etag the object had when you read it ` +
        `({ mode: { etag } }, from put, get or head); got ${describe(mode.etag)}`,
    );
  }
  throw invalidArgument(
    key,
    `unknown put mode ${describe(mode)} for "${key}"; use 'overwrite', 'create' or { etag }`,
  );
}

/**
 * Validate user metadata and return a copy the caller can no longer change. The rules are S3's, so
 * metadata accepted by one store round-trips unchanged through every store: keys of lower-case
 * letters, digits, `-`, `_` and `.` (HTTP header names, which S3 lower-cases); values of printable
 * ASCII without leading or trailing spaces (HTTP trims them); at most {@link MAX_METADATA_BYTES} in all.
 * @throws ObjectStoreError `InvalidArgument` naming the offending entry
 */
export function checkMetadata(
  key: string,
  metadata: Record<string, string> | undefined,
): Record<string, string> {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== 'object') {
    throw invalidArgument(key, `metadata of "${key}" must be an object of strings, got ${describe(metadata)}`);
  }
  const copy: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
      throw invalidArgument(
        key,
        `metadata name ${JSON.stringify(name)} of "${key}" is not portable: use lower-case letters, ` +
          `digits, '-', '_' and '.', starting with a letter or digit (S3 lower-cases header names)`,
      );
    }
    if (typeof value !== 'string' || !/^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/.test(value)) {
      throw invalidArgument(
        key,
        `metadata value of "${name}" on "${key}" must be printable ASCII without leading or trailing ` +
          `spaces (HTTP headers), got ${describe(value)}; encode other text, e.g. with encodeURIComponent`,
      );
    }
    bytes += name.length + value.length;
    copy[name] = value;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw invalidArgument(
      key,
      `metadata of "${key}" is ${bytes} bytes; S3 allows at most ${MAX_METADATA_BYTES} (names plus ` +
        `values), so keep large data in the object itself`,
    );
  }
  return copy;
}

/**
 * Check a requested range's numbers before the object's size is known.
 * @throws ObjectStoreError `InvalidArgument` for negative or non-integer numbers or an unknown shape
 */
export function checkRange(key: string, range: ByteRange): ByteRange {
  const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (range !== null && typeof range === 'object') {
    if ('suffix' in range) {
      if (isCount(range.suffix)) return range;
    } else if (isCount(range.offset) && (range.length === undefined || isCount(range.length))) {
      return range;
    }
  }
  throw invalidArgument(
    key,
    `range ${describe(range)} for "${key}" is not valid; use { offset, length? } or { suffix } with ` +
      `non-negative integers`,
  );
}

/**
 * Turn a checked range into a byte interval of an object of `size` bytes. A length past the end is
 * cut at the end; a suffix longer than the object reads all of it.
 * @throws ObjectStoreError `InvalidRange` when an offset range starts at or past the end
 */
export function resolveRange(key: string, range: ByteRange, size: number): ResolvedRange {
  if ('suffix' in range) return { start: Math.max(0, size - range.suffix), end: size };
  if (range.offset >= size) {
    throw invalidRange(key, `offset ${range.offset} is not below the object's size ${size}`);
  }
  const end = range.length === undefined ? size : Math.min(size, range.offset + range.length);
  return { start: range.offset, end };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  if (value instanceof Uint8Array) return 'a Uint8Array';
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Check the arguments of `list`.
 * @throws ObjectStoreError `InvalidArgument` when `prefix` or `offset` is not a string
 */
export function checkListArguments(prefix: unknown, offset: unknown): void {
  if (typeof prefix !== 'string') {
    throw invalidArgument(String(prefix), `list needs a string prefix ('' lists everything), got ${describe(prefix)}`);
  }
  if (offset !== undefined && typeof offset !== 'string') {
    throw invalidArgument(prefix, `list's offset must be a key (a string) or omitted, got ${describe(offset)}`);
  }
}
