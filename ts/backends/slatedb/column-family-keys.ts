/**
 * Column families emulated with key prefixes: SlateDB has one key space, so every family's keys are
 * stored as `__cf::<encoded name>::<key>`, the `default` family included, and the names of the
 * families that exist are kept under `__families::<encoded name>`.
 *
 * The encoding makes the set of prefixes prefix-free, so no family's range ever reaches into
 * another's: a name is UTF-8 with `%` and `:` percent-escaped (`%25`, `%3A`), so an encoded name
 * never contains `:`; if `__cf::A::` were a prefix of `__cf::B::` with A ≠ B, B's encoding would
 * have to continue with `::` after A's, and it cannot. ('alpha' and 'alphabet' give `__cf::alpha::`
 * and `__cf::alphabet::`; the name 'a::b' gives `__cf::a%3A%3Ab::`.) Other names read as they are.
 *
 * @module
 */
import { BackendInvalidArgumentError } from '../errors.js';
import { MAX_KEY_BYTES } from '../../engine/write-batch.js';
import { concatBytes } from '../../bytes.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const FAMILY_PREFIX = encoder.encode('__cf::');
const FAMILY_SUFFIX = encoder.encode('::');
/** Where the names of existing families are kept: outside every `__cf::` range. */
const REGISTRY_PREFIX = encoder.encode('__families::');

/** The stored key range of one family: `[start, end)`, and the prefix its keys carry. */
export interface FamilyRange {
  /** Every stored key of the family starts with these bytes (`__cf::<name>::`). */
  readonly prefix: Uint8Array;
  /** The first key after every key of the family (the prefix with its last byte incremented). */
  readonly end: Uint8Array;
}

/**
 * Escape a family name so that it holds no `:` (and `%` stays unambiguous).
 * @returns the escaped name
 * @throws BackendInvalidArgumentError when the name is empty, not a string, or not well-formed
 *   Unicode (a lone surrogate would not survive UTF-8 and two names would collide)
 */
export function escapeFamilyName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new BackendInvalidArgumentError(`A column family name must be a non-empty string, got ${String(name)}.`);
  }
  if (!isWellFormed(name)) {
    throw new BackendInvalidArgumentError(
      `The column family name ${JSON.stringify(name)} holds a lone surrogate; use a well-formed Unicode string.`,
    );
  }
  return name.replace(/[%:]/g, (character) => (character === '%' ? '%25' : '%3A'));
}

/**
 * The inverse of {@link escapeFamilyName}.
 */
export function unescapeFamilyName(escaped: string): string {
  return escaped.replace(/%25|%3A/g, (sequence) => (sequence === '%25' ? '%' : ':'));
}

/**
 * The key range of one family.
 * @returns its prefix and the end of its range
 * @throws BackendInvalidArgumentError for an invalid name (see {@link escapeFamilyName})
 */
export function familyRange(name: string): FamilyRange {
  const prefix = concatBytes(FAMILY_PREFIX, encoder.encode(escapeFamilyName(name)), FAMILY_SUFFIX);
  const end = prefix.slice();
  // The prefix ends with ':' (0x3a), so incrementing the last byte never carries.
  end[end.length - 1]! += 1;
  return { prefix, end };
}

/**
 * @throws BackendInvalidArgumentError when `prefix ‖ key` exceeds SlateDB's key limit
 */
export function checkStoredKeyLength(range: FamilyRange, key: Uint8Array): void {
  const limit = MAX_KEY_BYTES - range.prefix.length;
  if (key.length > limit) {
    throw new BackendInvalidArgumentError(
      `A key is ${key.length} bytes; with this column family's prefix, SlateDB keys may be at most ${limit} bytes. Use shorter keys.`,
    );
  }
}

/**
 * A family's stored key for a key: `prefix ‖ key`.
 * @throws BackendInvalidArgumentError when the result exceeds SlateDB's key limit
 */
export function storedKey(range: FamilyRange, key: Uint8Array): Uint8Array {
  checkStoredKeyLength(range, key);
  return concatBytes(range.prefix, key);
}

/**
 * The registry entry that records that a family exists.
 * @returns `__families::<escaped name>`
 */
export function registryKey(name: string): Uint8Array {
  return concatBytes(REGISTRY_PREFIX, encoder.encode(escapeFamilyName(name)));
}

/** The key range of the registry: `[start, end)`. */
export const REGISTRY_RANGE: FamilyRange = Object.freeze({
  prefix: REGISTRY_PREFIX,
  end: (() => {
    const end = REGISTRY_PREFIX.slice();
    end[end.length - 1]! += 1;
    return end;
  })(),
});

/**
 * The family name a registry entry records.
 * @param key - a stored key within {@link REGISTRY_RANGE}
 * @returns the family name, or `undefined` when the entry is not one this module wrote
 */
export function familyFromRegistryKey(key: Uint8Array): string | undefined {
  try {
    return unescapeFamilyName(decoder.decode(key.subarray(REGISTRY_PREFIX.length)));
  } catch {
    return undefined;
  }
}

function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}
