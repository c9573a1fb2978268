/**
 * The RocksDB backend: one RocksDB directory per partition through the `@nxtedition/rocksdb` native
 * addon, with native column families, atomic write batches and RocksDB's own LOCK file.
 *
 * Nothing native or Node-specific is imported until {@link RocksDbBackend.open} runs, so bundles
 * for runtimes without native addons (workerd, browsers) can include this module harmlessly.
 *
 * Locking: a second open of an open path fails with {@link RocksDBLockError} (a
 * {@link StoreLockError}, so the state layer's retry loop retries it and, once out of retries,
 * rethrows it unchanged): from this process at once, from another process when RocksDB cannot take
 * the LOCK file. Corrupted files at open fail with {@link RocksDBCorruptedError}.
 *
 * @module
 */
import type { Backend, BackendOpenOptions, BackendSupports } from '../backend.js';
import { DEFAULT_CF } from '../backend.js';
import { RocksDBLockError } from '../../errors.js';
import { BackendInvalidArgumentError } from '../errors.js';
import { assertColumnFamilyName } from '../validate-arguments.js';
import { columnFamiliesFromOptionsFile } from './column-family-discovery.js';
import { openRocksLevel } from './open-rocks-level.js';
import { loadRocksDbAddon } from './rocksdb-addon.js';
import { RocksDbDatabase } from './rocksdb-database.js';
import { toAddonOptions } from './rocksdb-settings.js';

/** Absolute directories open in this process (RocksDB's LOCK file guards against other processes). */
const openDirectories = new Set<string>();

/** Files only a RocksDB directory has; `destroy` deletes nothing else. */
const ROCKSDB_FILE = /^(CURRENT|IDENTITY|LOCK|LOG(\.old\..*)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|\d+\.(sst|log|blob))$/;

/** A {@link Backend} storing each database in a RocksDB directory. */
export class RocksDbBackend implements Backend {
  /** @inheritDoc */
  readonly name = 'rocksdb' as const;
  /** @inheritDoc */
  readonly supports: BackendSupports = Object.freeze({
    persistent: true,
    nativeColumnFamilies: true,
    multiProcess: true,
  });

  /**
   * Open (creating if missing) the RocksDB directory at `path` with every family it has, plus
   * `options.columnFamilies`. Families written later are created by reopening the directory.
   * @param path - a directory path (relative paths resolve against the working directory)
   * @param options - `columnFamilies` to create now; `settings`: {@link RocksDbSettings}
   * @throws RocksDBLockError when the path is open in this process or locked by another one
   * @throws RocksDBCorruptedError when its files are corrupted
   * @throws BackendUnavailableError when the native addon does not load in this runtime
   * @throws BackendInvalidArgumentError when a setting or family name is invalid
   */
  async open(path: string, options: BackendOpenOptions = {}): Promise<RocksDbDatabase> {
    options.columnFamilies?.forEach(assertColumnFamilyName);
    const { options: addonOptions, sync, synchronousReads } = toAddonOptions(options.settings);
    const RocksLevel = await loadRocksDbAddon();
    const directory = await absoluteDirectory(path);
    if (openDirectories.has(directory)) {
      throw new RocksDBLockError(
        path,
        `The RocksDB database at "${path}" is already open in this process; close that handle before opening it again.`,
      );
    }
    openDirectories.add(directory);
    try {
      const existing = await columnFamiliesFromOptionsFile(directory);
      const families = [DEFAULT_CF, ...existing, ...(options.columnFamilies ?? [])];
      const handle = await openRocksLevel(RocksLevel, path, directory, families, addonOptions);
      return new RocksDbDatabase({
        path,
        supports: this.supports,
        handle,
        sync,
        synchronousReads,
        reopen: (reopenFamilies) => openRocksLevel(RocksLevel, path, directory, reopenFamilies, addonOptions),
        release: () => openDirectories.delete(directory),
      });
    } catch (error) {
      openDirectories.delete(directory);
      throw error;
    }
  }

  /**
   * Delete the RocksDB directory at `path`; succeeds when nothing is there. Does not need the addon.
   * @throws RocksDBLockError when it is open in this process; close it first
   * @throws BackendInvalidArgumentError when the directory holds files RocksDB does not write
   *   (it is refused rather than deleted: check the path)
   */
  async destroy(path: string): Promise<void> {
    const directory = await absoluteDirectory(path);
    if (openDirectories.has(directory)) {
      throw new RocksDBLockError(path, `Cannot destroy the RocksDB database at "${path}" while it is open; close it first.`);
    }
    const { readdir, rm } = await import('node:fs/promises');
    let files: string[];
    try {
      files = await readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const foreign = files.filter((file) => !ROCKSDB_FILE.test(file));
    if (foreign.length > 0) {
      throw new BackendInvalidArgumentError(
        `Refusing to destroy "${path}": besides RocksDB's files it holds ${foreign.slice(0, 3).join(', ')}` +
          `${foreign.length > 3 ? ', ...' : ''}. Check the path, or delete the directory yourself.`,
      );
    }
    await rm(directory, { recursive: true, force: true });
  }

  /**
   * @returns whether a RocksDB database (its CURRENT file) exists there
   */
  async exists(path: string): Promise<boolean> {
    const { stat } = await import('node:fs/promises');
    const { join } = await import('node:path');
    try {
      return (await stat(join(await absoluteDirectory(path), 'CURRENT'))).isFile();
    } catch {
      return false;
    }
  }
}

async function absoluteDirectory(path: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new BackendInvalidArgumentError(`A RocksDB path must be a non-empty string, got ${String(path)}.`);
  }
  const { resolve } = await import('node:path');
  return resolve(path);
}

/** The process-wide RocksDB backend. */
export const rocksDbBackend: RocksDbBackend = new RocksDbBackend();
