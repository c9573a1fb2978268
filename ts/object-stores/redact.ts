/**
 * Printing options that may hold credentials: a copy of `objectStoreOptions` that reads exactly
 * like the original but prints (with `util.inspect`, `console.log`, `JSON.stringify`) with its
 * secrets replaced by `'[redacted]'`. Internal: not exported from the package.
 *
 * @module
 */

/** Field names whose values are never printed. */
const SECRET_FIELD = /^(credentials|secretAccessKey|accessKeyId|sessionToken|password|secret|token|authorization|apiKey)$/i;

/** Node's hook for `util.inspect` (a registered symbol, so nothing Node-specific is imported). */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A shallow copy of `options` whose printed forms hide its secrets; reading its fields gives the
 * original values (so the store still gets the real credentials).
 * @param options - the options as given
 * @returns the copy (the same value when it is not a plain object)
 */
export function withRedactedPrinting<T>(options: T): T {
  if (!isPlainObject(options)) return options;
  const copy = { ...options } as Record<string | symbol, unknown>;
  const printable = (): unknown => redactedCopy(options, 0);
  Object.defineProperty(copy, 'toJSON', { value: printable, enumerable: false });
  Object.defineProperty(copy, INSPECT, { value: printable, enumerable: false });
  return Object.freeze(copy) as T;
}

/**
 * A deep copy for printing: secret fields replaced, class instances (an S3 client, a file system)
 * shown by their class name only.
 */
function redactedCopy(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth > 8 ? '[Array]' : value.map((item) => redactedCopy(item, depth + 1));
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? `[Function ${value.name || 'anonymous'}]` : value;
  if (!isPlainObject(value)) return `[${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}]`;
  if (depth > 8) return '[Object]';
  const out: Record<string, unknown> = {};
  for (const [field, item] of Object.entries(value)) out[field] = SECRET_FIELD.test(field) ? '[redacted]' : redactedCopy(item, depth + 1);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
