/**
 * Which column families an existing RocksDB database has. RocksDB refuses to open a database
 * without naming every family, and the addon does not expose `ListColumnFamilies`, so the names
 * are read from the newest `OPTIONS-<number>` file RocksDB keeps in the directory (it rewrites that
 * file whenever a family is created), with RocksDB's own refusal message as the fallback.
 *
 * @module
 */
import { rocksDbMessage } from './open-errors.js';

/**
 * Family names listed in the newest OPTIONS file of a database directory.
 * @param location - the database directory
 * @returns the names (empty when the directory or the file is missing or unreadable)
 */
export async function columnFamiliesFromOptionsFile(location: string): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let files: string[];
  try {
    files = await readdir(location);
  } catch {
    return [];
  }
  const newest = files
    .map((file) => /^OPTIONS-(\d+)$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))[0];
  if (newest === undefined) return [];
  let text: string;
  try {
    text = await readFile(join(location, newest[0]), 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\[CFOptions "(.*)"\]\s*$/gm)].map((match) => match[1]!);
}

/**
 * The families RocksDB names when it refuses an open that left some out
 * (`Invalid argument: Column families not opened: a, b`).
 * @param error - what the open threw
 * @returns the names, or an empty array when the error is something else
 */
export function columnFamiliesNotOpened(error: unknown): string[] {
  const match = /Column families not opened: (.*)$/.exec(rocksDbMessage(error));
  return match === null ? [] : match[1]!.split(', ').filter((name) => name.length > 0);
}
