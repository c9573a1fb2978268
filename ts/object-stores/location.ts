/**
 * Object stores named by location strings: `memory://`, `memory://name`, `file:///abs/path`,
 * `s3://bucket/prefix`.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';
import type { ObjectStore } from './object-store.js';
import { MemoryObjectStore } from './memory.js';
import { LocalFileObjectStore, type LocalFileObjectStoreOptions } from './local-file.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3.js';

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

let namedMemoryStores: Map<string, MemoryObjectStore> | undefined;

/**
 * Make the object store a location string names.
 *
 * - `memory://` — a new, empty {@link MemoryObjectStore}.
 * - `memory://name` — the process-wide {@link MemoryObjectStore} called `name`, created on first use
 *   and returned again for the same name (so a database can be reopened within the process).
 * - `file:///absolute/path` — a {@link LocalFileObjectStore} rooted there (percent-escapes decoded;
 *   host must be empty or `localhost`), with `options.file`.
 * - `s3://bucket` or `s3://bucket/prefix` — an {@link S3ObjectStore} with `options.s3`
 *   (`clientConfig` or `client`).
 *
 * @param location - the location string
 * @param options - per-scheme options
 * @returns the store
 * @throws StreamstateError with code `'INVALID_OBJECT_STORE_LOCATION'` for an unknown scheme or a
 *   malformed location, naming the accepted forms
 */
export function objectStoreFromLocation(location: string, options: ObjectStoreLocationOptions = {}): ObjectStore {
  const match = typeof location === 'string' ? /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(location) : null;
  if (!match) {
    throw invalidLocation(location, 'it is not of the form scheme://...');
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (scheme as ObjectStoreScheme) {
    case 'memory': {
      if (rest === '' || rest === '/') return new MemoryObjectStore();
      const name = rest.replace(/\/+$/, '');
      namedMemoryStores ??= new Map();
      let store = namedMemoryStores.get(name);
      if (!store) namedMemoryStores.set(name, (store = new MemoryObjectStore()));
      return store;
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
      return new LocalFileObjectStore(path, options.file);
    }
    case 's3': {
      const slash = rest.indexOf('/');
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      if (bucket === '') throw invalidLocation(location, 'an s3 location needs a bucket: s3://bucket/optional/prefix');
      const prefix = slash < 0 ? '' : rest.slice(slash + 1);
      return new S3ObjectStore({ ...options.s3, bucket, prefix });
    }
    default:
      throw invalidLocation(location, `the scheme "${scheme}" is unknown`);
  }
}

function invalidLocation(location: unknown, why: string): StreamstateError {
  return new StreamstateError(
    'INVALID_OBJECT_STORE_LOCATION',
    `object store location ${JSON.stringify(location)} is not valid: ${why}. Use one of ` +
      `${OBJECT_STORE_SCHEMES.map((s) => `${s}://`).join(', ')} (memory://, memory://name, ` +
      'file:///absolute/path, s3://bucket/prefix), or pass an ObjectStore object',
  );
}
