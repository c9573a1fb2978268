/**
 * Open a RocksDB directory through the addon with a given set of column families (creating the
 * directory and any missing family), turning lock and corruption failures into their errors.
 *
 * @module
 */
import type { AddonColumnOptions, AddonOpenOptions, RocksLevelConstructor, RocksLevelHandle } from './rocksdb-addon.js';
import { columnFamiliesNotOpened } from './column-family-discovery.js';
import { classifyOpenError } from './open-errors.js';

/**
 * Open `location` with at least `families` (plus any RocksDB says exist but were not named).
 * @param RocksLevel - the addon's class
 * @param path - the path the caller gave, for error messages
 * @param location - the absolute directory
 * @param families - families to open; missing ones are created
 * @param options - addon options for the database and for every family
 * @throws RocksDBLockError when another opener holds the LOCK file
 * @throws RocksDBCorruptedError when the files are corrupted
 */
export async function openRocksLevel(
  RocksLevel: RocksLevelConstructor,
  path: string,
  location: string,
  families: readonly string[],
  options: AddonColumnOptions,
): Promise<RocksLevelHandle> {
  let names = [...new Set(families)];
  // Two rounds: the names may come from a stale OPTIONS file; RocksDB's refusal names the rest.
  for (let round = 0; ; round++) {
    const handle = new RocksLevel(location, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const openOptions: AddonOpenOptions = {
      ...options,
      createIfMissing: true,
      columns: Object.fromEntries(names.map((name) => [name, options])),
    };
    try {
      await handle.open(openOptions);
      return handle;
    } catch (error) {
      const missing = columnFamiliesNotOpened(error).filter((name) => !names.includes(name));
      if (missing.length === 0 || round > 0) throw classifyOpenError(path, error);
      names = [...names, ...missing];
    }
  }
}
