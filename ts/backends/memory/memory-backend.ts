/**
 * The memory backend: databases held in this process, for tests and ephemeral state.
 *
 * Databases live in a registry owned by the {@link MemoryBackend} instance and keyed by path, so a
 * close and a reopen of the same path (through the same instance) find the data again, as they
 * would on disk; {@link MemoryBackend.destroy} forgets it. Nothing survives the process, so
 * `supports.persistent` is `false`. {@link memoryBackend} is the process-wide instance; create
 * your own `new MemoryBackend()` for an isolated namespace.
 *
 * @module
 */
import type { Backend, BackendOpenOptions, BackendSupports } from '../backend.js';
import { DEFAULT_CF } from '../backend.js';
import { StoreLockError } from '../../errors.js';
import { MemoryDatabase, type MemoryDatabaseData } from './memory-database.js';
import { SortedEntries } from './sorted-entries.js';
import { assertColumnFamilyName } from '../validate-arguments.js';

/** Code of the {@link StoreLockError} the memory backend throws for a path that is already open. */
export const MEMORY_LOCKED = 'MEMORY_LOCKED';

interface RegisteredDatabase extends MemoryDatabaseData {
  open: boolean;
}

/** A {@link Backend} keeping each database in sorted in-process maps, one per column family. */
export class MemoryBackend implements Backend {
  /** @inheritDoc */
  readonly name = 'memory' as const;
  /** @inheritDoc */
  readonly supports: BackendSupports = Object.freeze({
    persistent: false,
    nativeColumnFamilies: true,
    multiProcess: false,
  });
  readonly #databases = new Map<string, RegisteredDatabase>();

  /**
   * Open the database at `path`, creating it (with the `default` family) when missing.
   * @param path - any string naming the database within this backend instance
   * @param options - `columnFamilies` to create now; `settings` are ignored
   * @throws StoreLockError (code `'MEMORY_LOCKED'`) when `path` is already open through this
   *   instance; close the other handle first
   */
  async open(path: string, options?: BackendOpenOptions): Promise<MemoryDatabase> {
    options?.columnFamilies?.forEach(assertColumnFamilyName);
    let database = this.#databases.get(path);
    if (database?.open) {
      throw new StoreLockError(
        path,
        `The memory database "${path}" is already open in this process; close the other handle before opening it again.`,
        { code: MEMORY_LOCKED },
      );
    }
    if (database === undefined) {
      database = { families: new Map([[DEFAULT_CF, new SortedEntries()]]), open: false };
      this.#databases.set(path, database);
    }
    for (const cf of options?.columnFamilies ?? []) {
      if (!database.families.has(cf)) database.families.set(cf, new SortedEntries());
    }
    database.open = true;
    const opened = database;
    return new MemoryDatabase(path, this.supports, opened, () => {
      opened.open = false;
    });
  }

  /**
   * Forget the database at `path`; succeeds when there is none.
   * @throws StoreLockError (code `'MEMORY_LOCKED'`) when it is open; close it first
   */
  async destroy(path: string): Promise<void> {
    if (this.#databases.get(path)?.open) {
      throw new StoreLockError(path, `Cannot destroy the memory database "${path}" while it is open; close it first.`, {
        code: MEMORY_LOCKED,
      });
    }
    this.#databases.delete(path);
  }

  /**
   * @returns whether a database was opened at `path` and not destroyed since
   */
  async exists(path: string): Promise<boolean> {
    return this.#databases.has(path);
  }
}

/** The process-wide memory backend. */
export const memoryBackend: MemoryBackend = new MemoryBackend();
