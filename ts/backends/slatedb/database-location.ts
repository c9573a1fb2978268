/**
 * Where the SlateDB database of a partition path lives: which object store, and under which key
 * prefix in it. Partition paths look like file paths (`/srv/state/group/store/topic/0`) or like
 * locations (`s3://bucket/state/group/store/topic/0`, `memory://tests/group/store/topic/0`).
 *
 * - With an explicit object store, the key is the path relative to `root` (the state directory, so
 *   a partition's key is `<store>/<stream>/<partition>`, the same on every machine); a path outside
 *   `root` (or with no `root`) keeps all its segments (`srv/state/...`).
 * - A location path names its store: `memory://name/<key>` (the process-wide memory store `name`),
 *   `s3://bucket/<key>`, `file:///dir/<key>` (as the local path `/dir/<key>`).
 * - A local path is stored as local files where it points: a {@link LocalFileObjectStore} rooted
 *   at `root` (or at the path's parent), so the database's objects (`manifest/`, `wal/`,
 *   `compacted/`, `.lock`) sit in the partition's directory, as RocksDB's files would.
 *
 * @module
 */
import type { ObjectStore } from '../../object-stores/object-store.js';
import { printableLocation } from '../../object-stores/location.js';
import { BackendInvalidArgumentError } from '../errors.js';

/** The object store and key prefix of one database. */
export interface DatabaseLocation {
  /** The store holding the database's objects. */
  readonly store: ObjectStore;
  /** The database's key prefix in it: `/`-separated segments, no leading or trailing `/`. */
  readonly key: string;
}

/** How {@link locateDatabase} gets stores; the backend caches them. */
export interface ObjectStoreSource {
  /** The store a location string (`memory://name`, `s3://bucket`) names. */
  fromLocation(location: string): ObjectStore;
  /** A local-file store rooted at a directory. */
  localDirectory(directory: string): ObjectStore;
}

/**
 * Where a database's objects are, for log lines: with an explicit object store, the store's
 * location (its `location`, such as `s3://bucket/prefix`, a location string as given, else its class name) and the key
 * under it (the path relative to `root`); otherwise the path itself (a local path or a location).
 * Credentials in a location string are not shown.
 */
export function describeDatabaseLocation(path: string, root: string, objectStore: ObjectStore | string | undefined): string {
  if (objectStore === undefined) return path;
  const key = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path.replace(/^\/+/, '');
  let base: string;
  if (typeof objectStore === 'string') base = printableLocation(objectStore).replace(/\/+$/, '');
  else base = objectStore.location ?? `${objectStore.constructor?.name ?? 'object store'}:`;
  return `${base}/${key}`;
}

const LOCATION = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s;

/**
 * Find where the database of `path` lives.
 * @param path - the partition path (a file path or a location)
 * @param objectStore - the configured store, or `undefined` to derive it from the path
 * @param root - the directory (or location) paths are relative to: the state directory
 * @returns the store and the key prefix
 * @throws BackendInvalidArgumentError for an empty path, an unknown scheme, a location without a
 *   database key, or a path with `.`/`..`/empty segments where a key is needed
 */
export function locateDatabase(
  path: string,
  objectStore: ObjectStore | undefined,
  root: string | undefined,
  stores: ObjectStoreSource,
): DatabaseLocation {
  if (typeof path !== 'string' || path.length === 0) {
    throw new BackendInvalidArgumentError(`A SlateDB path must be a non-empty string, got ${String(path)}.`);
  }
  if (printableLocation(path) !== path) {
    throw new BackendInvalidArgumentError(
      `The SlateDB path "${printableLocation(path)}" holds credentials; they do not go in a path or location: ` +
        'give them in objectStoreOptions.s3.clientConfig.credentials, or in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).',
    );
  }
  if (path.includes('\0') || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/.*%00/is.test(path)) {
    throw new BackendInvalidArgumentError(`The SlateDB path "${printableLocation(path).replace(/\0/g, '\\0')}" contains a NUL character, which no path or key may hold.`);
  }
  const normalizedPath = normalize(path);
  const normalizedRoot = root === undefined ? undefined : normalize(root);
  const relative = normalizedRoot === undefined ? undefined : relativeTo(normalizedPath, normalizedRoot);
  if (objectStore !== undefined) {
    return { store: objectStore, key: checkedKey(relative ?? withoutRoot(normalizedPath), path) };
  }
  const location = LOCATION.exec(normalizedPath);
  if (location === null) return localLocation(normalizedPath, normalizedRoot, relative, path, stores);
  const scheme = location[1]!.toLowerCase();
  const rest = location[2]!;
  if (scheme === 'file') {
    const local = decodeFilePath(rest, path);
    const localRoot = normalizedRoot !== undefined && /^file:\/\//i.test(normalizedRoot) ? decodeFilePath(normalizedRoot.slice(7), root!) : undefined;
    return localLocation(local, localRoot, localRoot === undefined ? undefined : relativeTo(local, localRoot), path, stores);
  }
  if (scheme !== 'memory' && scheme !== 's3') {
    throw new BackendInvalidArgumentError(
      `The SlateDB path "${printableLocation(path)}" has the scheme "${scheme}"; use a file path, memory://name/..., s3://bucket/... or file:///..., or pass an objectStore.`,
    );
  }
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) {
    throw new BackendInvalidArgumentError(
      `The SlateDB path "${printableLocation(path)}" names a store but no database in it; use ${scheme}://${scheme === 's3' ? 'bucket' : 'name'}/path/to/database.`,
    );
  }
  return { store: stores.fromLocation(`${scheme}://${rest.slice(0, slash)}`), key: checkedKey(rest.slice(slash + 1), path) };
}

function localLocation(
  localPath: string,
  root: string | undefined,
  relative: string | undefined,
  originalPath: string,
  stores: ObjectStoreSource,
): DatabaseLocation {
  if (root !== undefined && relative !== undefined) {
    return { store: stores.localDirectory(root), key: checkedKey(relative, originalPath) };
  }
  const slash = localPath.lastIndexOf('/');
  const directory = slash < 0 ? '.' : slash === 0 ? '/' : localPath.slice(0, slash);
  return { store: stores.localDirectory(/^[a-zA-Z]:$/.test(directory) ? `${directory}/` : directory), key: checkedKey(localPath.slice(slash + 1), originalPath) };
}

/** `\` to `/`, repeated `/` collapsed (after any `scheme://`), no trailing `/`. */
function normalize(path: string): string {
  const location = LOCATION.exec(path);
  const head = location === null ? '' : `${location[1]}://`;
  let body = (location === null ? path : location[2]!).replace(/\\/g, '/');
  const leading = body.startsWith('/') ? '/' : '';
  body = body.replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
  return head + leading + body;
}

function relativeTo(path: string, root: string): string | undefined {
  if (root === '' || root === '/') return path.startsWith('/') ? path.slice(1) || undefined : undefined;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
}

/** The path's segments after its scheme, drive letter or leading `/`. */
function withoutRoot(path: string): string {
  return path.replace(LOCATION, '$2').replace(/^[a-zA-Z]:(?=\/|$)/, '').replace(/^\/+/, '');
}

function decodeFilePath(rest: string, original: string): string {
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (slash < 0 || (host !== '' && host !== 'localhost')) {
    throw new BackendInvalidArgumentError(`The SlateDB path "${printableLocation(original)}" is not a file location with an absolute path (file:///dir/database).`);
  }
  let local: string;
  try {
    local = decodeURIComponent(rest.slice(slash));
  } catch {
    throw new BackendInvalidArgumentError(`The SlateDB path "${printableLocation(original)}" has a malformed percent-escape.`);
  }
  return normalize(/^\/[a-zA-Z]:\//.test(local) ? local.slice(1) : local);
}

function checkedKey(key: string, path: string): string {
  const segments = key.split('/');
  if (key === '' || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new BackendInvalidArgumentError(
      `The SlateDB path "${printableLocation(path)}" does not give a usable database key ("${key}"): it needs at least one segment and no empty, "." or ".." segments.`,
    );
  }
  return key;
}
