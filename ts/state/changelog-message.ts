/**
 * Reading a changelog message for recovery: its headers, column family,
 * processed offsets, key, value and offset, each checked, so a malformed message is refused before
 * anything is written.
 *
 * @module
 */
import { utf8Decode } from './bytes.js';
import type { ChangelogMessage, ChangelogMessageHeaders } from './changelog.js';
import { CHANGELOG_CF_MESSAGE_HEADER, CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER } from './constants.js';
import { ColumnFamilyHeaderMissing, InvalidChangelogMessageError } from './errors.js';
import { assertColumnFamilyName } from './names.js';

/** A checked changelog message. */
export interface DecodedChangelogMessage {
  /** The serialized key. */
  readonly key: Uint8Array;
  /** The value, or `undefined` for a delete (an empty array is a value). */
  readonly value: Uint8Array | undefined;
  /** The column family from the `__column_family__` header. */
  readonly cfName: string;
  /** The processed offsets from the `__processed_tp_offsets__` header, or `null` (absent or JSON null). */
  readonly processedOffsets: Readonly<Record<string, number>> | null;
  /** The message offset. */
  readonly offset: number;
}

/**
 * Check and decode a changelog message.
 * @param message - the message as the consumer delivered it
 * @returns the decoded message
 * @throws ColumnFamilyHeaderMissing when `__column_family__` is missing or empty
 * @throws InvalidChangelogMessageError when the key, value, offset or processed offsets are malformed
 */
export function decodeChangelogMessage(message: ChangelogMessage): DecodedChangelogMessage {
  const { key, value, offset } = message;
  if (!(key instanceof Uint8Array)) {
    throw new InvalidChangelogMessageError(`Invalid changelog key type ${typeOf(key)}, expected bytes (a Uint8Array).`);
  }
  if (value !== null && value !== undefined && !(value instanceof Uint8Array)) {
    throw new InvalidChangelogMessageError(
      `Invalid changelog value type ${typeOf(value)}, expected bytes (a Uint8Array) or null for a delete.`,
    );
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidChangelogMessageError(`Invalid changelog message offset ${String(offset)}, expected a non-negative integer.`);
  }
  const headers = headerMap(message.headers);
  const cfName = headerText(headers.get(CHANGELOG_CF_MESSAGE_HEADER));
  if (cfName === undefined || cfName === '') {
    throw new ColumnFamilyHeaderMissing(
      `Header '${CHANGELOG_CF_MESSAGE_HEADER}' missing from changelog message at offset ${offset}; it was not produced by a state store and cannot be recovered.`,
    );
  }
  try {
    assertColumnFamilyName(cfName);
  } catch (cause) {
    throw new InvalidChangelogMessageError(`Invalid '${CHANGELOG_CF_MESSAGE_HEADER}' header at offset ${offset}: ${(cause as Error).message}`);
  }
  return {
    key,
    value: value ?? undefined,
    cfName,
    processedOffsets: processedOffsets(headerText(headers.get(CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER)), offset),
    offset,
  };
}

function headerMap(headers: ChangelogMessageHeaders | undefined | null): Map<string, Uint8Array | string | null | undefined> {
  if (headers === undefined || headers === null) return new Map();
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return new Map(headers as Iterable<readonly [string, Uint8Array | string | null | undefined]>);
  }
  return new Map(Object.entries(headers as Record<string, Uint8Array | string | null | undefined>));
}

function headerText(value: Uint8Array | string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (!(value instanceof Uint8Array)) {
    throw new InvalidChangelogMessageError(`Invalid changelog header value type ${typeOf(value)}, expected bytes or a string.`);
  }
  try {
    return utf8Decode(value);
  } catch {
    throw new InvalidChangelogMessageError('A changelog header is not valid UTF-8.');
  }
}

function processedOffsets(text: string | undefined, offset: number): Readonly<Record<string, number>> | null {
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = Symbol.for('invalid');
  }
  if (parsed === null) return null;
  const valid =
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed as object).every((value) => typeof value === 'number' && Number.isFinite(value));
  if (!valid) {
    throw new InvalidChangelogMessageError(
      `Invalid '${CHANGELOG_PROCESSED_OFFSETS_MESSAGE_HEADER}' header at offset ${offset}: expected a JSON object of {topic: offset} or null, got ${JSON.stringify(text.slice(0, 100))}.`,
    );
  }
  return parsed as Record<string, number>;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return Object.getPrototypeOf(value)?.constructor?.name ?? 'object';
  return typeof value;
}
