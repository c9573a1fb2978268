/**
 * Object stores named by location strings: `memory://`, `memory://name`, `file:///abs/path`,
 * `s3://bucket/prefix`.
 *
 * Parsing is pure ({@link parseObjectStoreLocation}, {@link checkObjectStoreLocationOptions}):
 * validating a location or its options creates no store and registers nothing, so options can be
 * checked when they are given and the store made only when it is used.
 *
 * Messages never repeat a location that carries credentials (`s3://user:secret@bucket`): such a
 * location is refused, and shown with the credentials cut out.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';
import type { ObjectStore } from './object-store.js';
import { MemoryObjectStore } from './memory.js';
import { LocalFileObjectStore, type LocalFileObjectStoreOptions } from './local-file.js';
import { S3ObjectStore, checkS3BucketName, S3_OPTION_FIELDS, type S3ObjectStoreOptions } from './s3.js';

/** The location schemes {@link objectStoreFromLocation} understands. */
export const OBJECT_STORE_SCHEMES = ['memory', 'file', 's3'] as const;

/** One of {@link OBJECT_STORE_SCHEMES}. */
export type ObjectStoreScheme = (typeof OBJECT_STORE_SCHEMES)[number];

/** Per-scheme options of {@link objectStoreFromLocation}; only the one for the location's scheme is used. */
export interface ObjectStoreLocationOptions {
  /** Options of the {@link LocalFileObjectStore} made for a `file://` location (e.g. `fs`). */
  file?: LocalFileObjectStoreOptions;
  /** Client settings of the {@link S3ObjectStore} made for an `s3://` location. */
  s3?: Omit<S3ObjectStoreOptions, 'bucket' | 'prefix'>;
}

/** What a location string names, as {@link parseObjectStoreLocation} reads it. */
export type ParsedObjectStoreLocation =
  | { readonly scheme: 'memory'; readonly name: string | undefined }
  | { readonly scheme: 'file'; readonly path: string }
  | { readonly scheme: 's3'; readonly bucket: string; readonly prefix: string };

/** The fields of {@link ObjectStoreLocationOptions}. */
const LOCATION_OPTION_FIELDS = ['file', 's3'] as const;
/** The fields of {@link LocalFileObjectStoreOptions}. */
const FILE_OPTION_FIELDS = ['fs', 'fsync', 'lockStaleMs'] as const;

let namedMemoryStores: Map<string, MemoryObjectStore> | undefined;

/**
 * Read a location string without making anything: which scheme, and the name, path or bucket and
 * prefix it gives.
 * @param location - the location string
 * @returns what it names
 * @throws StreamstateError with code `'INVALID_OBJECT_STORE_LOCATION'` for an unknown scheme or a
 *   malformed location (a bucket name S3 does not allow, credentials in the location, a NUL in a
 *   path), naming the accepted forms; the message does not repeat credentials
 */
export function parseObjectStoreLocation(location: string): ParsedObjectStoreLocation {
  const match = typeof location === 'string' ? /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(location) : null;
  if (!match) {
    throw invalidLocation(location, 'it is not of the form scheme://...');
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (credentialsEnd(location) > 0) {
    throw invalidLocation(
      location,
      'credentials do not go in the location: give them in objectStoreOptions.s3.clientConfig.credentials, ' +
        'or in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
    );
  }
  if (rest.includes('\0') || /%00/i.test(rest)) {
    throw invalidLocation(location, 'it contains a NUL character, which no path or key may hold');
  }
  switch (scheme as ObjectStoreScheme) {
    case 'memory': {
      if (rest === '' || rest === '/') return { scheme: 'memory', name: undefined };
      return { scheme: 'memory', name: rest.replace(/\/+$/, '') };
    }
    case 'file': {
      const slash = rest.indexOf('/');
      const host = slash < 0 ? rest : rest.slice(0, slash);
      if (slash < 0 || (host !== '' && host !== 'localhost')) {
        throw invalidLocation(location, 'a file location needs an absolute path: file:///var/lib/app/state');
      }
      let path: string;
      try {
        path = decodeURIComponent(rest.slice(slash));
      } catch {
        throw invalidLocation(location, 'its path has a malformed percent-escape');
      }
      // file:///C:/data names the Windows path C:/data.
      if (/^\/[a-zA-Z]:\//.test(path)) path = path.slice(1);
      return { scheme: 'file', path };
    }
    case 's3': {
      const slash = rest.indexOf('/');
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      if (bucket === '') throw invalidLocation(location, 'an s3 location needs a bucket: s3://bucket/optional/prefix');
      const badBucket = checkS3BucketName(bucket);
      if (badBucket !== undefined) throw invalidLocation(location, badBucket);
      const prefix = slash < 0 ? '' : rest.slice(slash + 1);
      return { scheme: 's3', bucket, prefix };
    }
    default:
      throw invalidLocation(location, `the scheme "${scheme}" is unknown`);
  }
}

/**
 * Check the options of a location without making a store: an object with `file` and `s3` only,
 * each an object of the fields its store takes.
 * @param options - the options
 * @returns `undefined` when they are acceptable, else what is wrong (for the caller's error)
 */
export function checkObjectStoreLocationOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (!isPlainObject(options)) return `must be an object ({ s3?, file? }), got ${describe(options)}`;
  const unknown = Object.keys(options).find((field) => !(LOCATION_OPTION_FIELDS as readonly string[]).includes(field));
  if (unknown !== undefined) return `has the unknown field "${unknown}"; the known fields are ${LOCATION_OPTION_FIELDS.join(', ')}`;
  for (const [field, known] of [
    ['file', FILE_OPTION_FIELDS],
    ['s3', S3_OPTION_FIELDS.filter((name) => name !== 'bucket' && name !== 'prefix')],
  ] as const) {
    const value = (options as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (!isPlainObject(value)) return `.${field} must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`;
    const stray = Object.keys(value).find((name) => !(known as readonly string[]).includes(name));
    if (stray !== undefined) {
      return `.${field} has the unknown field "${stray}"; the known fields are ${known.join(', ')}` +
        (field === 's3' ? ' (client settings such as region and credentials go in clientConfig)' : '');
    }
  }
  const s3 = (options as ObjectStoreLocationOptions).s3;
  if (s3?.clientConfig !== undefined && !isPlainObject(s3.clientConfig)) {
    // Its value is not shown: it may be a credential passed in the wrong place.
    return `.s3.clientConfig must be an object of S3 client settings ({ region, endpoint, credentials, ... }), got ${s3.clientConfig === null ? 'null' : `a ${typeof s3.clientConfig}`}`;
  }
  if (s3?.client !== undefined && s3.clientConfig !== undefined) return '.s3 takes either a client or a clientConfig, not both';
  if (s3?.copyIfNotExists !== undefined && s3.copyIfNotExists !== 'get-and-put' && s3.copyIfNotExists !== 'copy-object') {
    return `.s3.copyIfNotExists must be 'get-and-put' or 'copy-object', got ${describe(s3.copyIfNotExists)}`;
  }
  const timeout = s3?.requestTimeoutMs;
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) {
    return `.s3.requestTimeoutMs must be a non-negative number of milliseconds (0: no limit), got ${describe(timeout)}`;
  }
  const file = (options as ObjectStoreLocationOptions).file;
  if (file?.fsync !== undefined && typeof file.fsync !== 'boolean') return `.file.fsync must be a boolean, got ${describe(file.fsync)}`;
  if (file?.lockStaleMs !== undefined && !(typeof file.lockStaleMs === 'number' && file.lockStaleMs > 0 && Number.isFinite(file.lockStaleMs))) {
    return `.file.lockStaleMs must be a positive number of milliseconds, got ${describe(file.lockStaleMs)}`;
  }
  if (file?.fs !== undefined && (typeof file.fs !== 'object' || file.fs === null)) return `.file.fs must be an fs-like object, got ${describe(file.fs)}`;
  return undefined;
}

/**
 * Make the object store a location string names.
 *
 * - `memory://` — a new, empty {@link MemoryObjectStore}.
 * - `memory://name` — the process-wide {@link MemoryObjectStore} called `name`, created on first use
 *   and returned again for the same name (so a database can be reopened within the process).
 * - `file:///absolute/path` — a {@link LocalFileObjectStore} rooted there (percent-escapes decoded;
 *   host must be empty or `localhost`), with `options.file`.
 * - `s3://bucket` or `s3://bucket/prefix` — an {@link S3ObjectStore} with `options.s3`
 *   (`clientConfig` or `client`). The bucket name must follow S3's naming rules.
 *
 * @param location - the location string
 * @param options - per-scheme options
 * @returns the store
 * @throws StreamstateError with code `'INVALID_OBJECT_STORE_LOCATION'` for an unknown scheme or a
 *   malformed location (see {@link parseObjectStoreLocation}), naming the accepted forms
 * @throws StreamstateError with code `'INVALID_OBJECT_STORE_OPTIONS'` for an unknown or wrong option
 */
export function objectStoreFromLocation(location: string, options: ObjectStoreLocationOptions = {}): ObjectStore {
  const parsed = parseObjectStoreLocation(location);
  const wrong = checkObjectStoreLocationOptions(options);
  if (wrong !== undefined) {
    throw new StreamstateError('INVALID_OBJECT_STORE_OPTIONS', `The object store options ${wrong}.`);
  }
  switch (parsed.scheme) {
    case 'memory': {
      if (parsed.name === undefined) return new MemoryObjectStore();
      namedMemoryStores ??= new Map();
      let store = namedMemoryStores.get(parsed.name);
      if (!store) namedMemoryStores.set(parsed.name, (store = new MemoryObjectStore()));
      return store;
    }
    case 'file':
      return new LocalFileObjectStore(parsed.path, options.file);
    case 's3':
      return new S3ObjectStore({ ...options.s3, bucket: parsed.bucket, prefix: parsed.prefix });
  }
}

/**
 * A location as it may be shown in messages and logs: credentials (`user:secret@`) cut out.
 * @param location - any value given as a location
 * @returns a printable form
 */
export function printableLocation(location: unknown): string {
  if (typeof location !== 'string') return String(location);
  const end = credentialsEnd(location);
  return end > 0 ? `${location.slice(0, location.indexOf('://') + 3)}<credentials removed>${location.slice(end)}` : location;
}

/**
 * Where the credentials part of a location (`user:secret@`) ends, or 0 when it has none. A pasted
 * secret may hold `/`, so any `@` counts, except in the path of a `file:///` or
 * `file://localhost/` location (file names may hold `@`).
 */
function credentialsEnd(location: string): number {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(location);
  if (match === null) return 0;
  const start = match[1]!.length + 3;
  const rest = match[2]!;
  if (match[1]!.toLowerCase() === 'file' && /^(localhost)?\//i.test(rest)) return 0;
  const at = rest.lastIndexOf('@');
  return at < 0 ? 0 : start + at;
}

function invalidLocation(location: unknown, why: string): StreamstateError {
  return new StreamstateError(
    'INVALID_OBJECT_STORE_LOCATION',
    `object store location ${JSON.stringify(printableLocation(location))} is not valid: ${why}. Use one of ` +
      `${OBJECT_STORE_SCHEMES.map((s) => `${s}://`).join(', ')} (memory://, memory://name, ` +
      'file:///absolute/path, s3://bucket/prefix), or pass an ObjectStore object',
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
