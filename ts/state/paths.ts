/**
 * Partition paths: `<stateDir>/<groupId>/<storeName>/<streamId>/<partition>`, the
 * stream level omitted when there is no stream id. Pure string work with `/`, so it runs where
 * there is no `node:path` (the paths of the memory and SlateDB backends are names, not files).
 *
 * @module
 */
import { parseObjectStoreLocation } from '../backends/slatedb/slatedb-settings.js';
import { InvalidOptionsError } from './errors.js';

/**
 * Check a state directory when it is given: no NUL character, and a location-style one
 * (`s3://bucket/state`, `memory://name`, `file:///dir`) must be a valid location without
 * credentials. Pure: nothing is created. Messages do not repeat credentials.
 * @param stateDir - the configured state directory
 * @param label - what it is, for the message
 * @throws InvalidOptionsError when it is not usable
 */
export function assertStateDirLocation(stateDir: string, label: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(stateDir)) {
    try {
      parseObjectStoreLocation(stateDir);
    } catch (error) {
      throw new InvalidOptionsError(`${label} is not usable: ${(error as Error).message}.`);
    }
  } else if (stateDir.includes('\0')) {
    throw new InvalidOptionsError(`${label} contains a NUL character, which no path may hold; check how it was built.`);
  }
}

/**
 * Join path parts with `/`, without doubling separators.
 * @param parts - the parts; empty ones are skipped
 */
export function joinPath(...parts: string[]): string {
  const [first = '', ...rest] = parts.filter((part) => part.length > 0);
  let joined = first.replace(/[\\/]+$/, '');
  for (const part of rest) joined += '/' + part.replace(/^[\\/]+|[\\/]+$/g, '');
  return joined || first;
}

/**
 * The effective state directory: `stateDir` made absolute against the working directory (when the
 * runtime has one and it is not already absolute or a URL), then `/ groupId` when a group is given.
 * @param stateDir - the configured state directory
 * @returns the directory the stores live in
 */
export function resolveStateDir(stateDir: string, groupId: string | undefined): string {
  let base = stateDir;
  const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd;
  if (!isAbsolute(base) && typeof cwd === 'function') base = joinPath(cwd(), base);
  base = normalize(base);
  return groupId ? joinPath(base, groupId) : base;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

function normalize(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  const leading = path.match(/^([A-Za-z]:)?[\\/]*/)?.[0] ?? '';
  const out: string[] = [];
  for (const segment of path.slice(leading.length).split(/[\\/]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment !== '..' || leading === '') out.push(segment);
  }
  const root = leading.replace(/\\/g, '/').replace(/\/+$/, '/');
  return root + out.join('/') || '.';
}
