/**
 * The SlateDB backend: one SlateDB database (compiled to WebAssembly) per partition, in an object
 * store (memory, local files, S3, or your own {@link ObjectStore}).
 *
 * - Column families are key prefixes (`__cf::<name>::`) on every family; see `column-family-keys.ts`.
 * - Exclusive open: SlateDB fences an older writer when a newer one opens, but it does not refuse
 *   the newer one. So each database has a lease object (`<database>/.lock`), created with a
 *   conditional put, renewed, expiring; a live lease held by another opener is
 *   {@link SlateDBLockError}. SlateDB's fencing stays as the second line of defence
 *   ({@link SlateDBFencedError}). See `database-lease.ts`.
 * - Corrupted objects at open (a garbage manifest, a bad checksum) are {@link SlateDBCorruptedError}.
 * - Durability: with `awaitDurable` (the default) a write resolves once it is in object storage.
 *
 * @module
 */
import type { Backend, BackendOpenOptions, BackendSupports } from '../backend.js';
import { SlateDBLockError } from '../../errors.js';
import { SlateDb } from '../../engine/slatedb.js';
import { getLogger, type Logger } from '../../logging.js';
import { LocalFileObjectStore } from '../../object-stores/local-file.js';
import { objectStoreFromLocation } from '../../object-stores/location.js';
import { S3ObjectStore } from '../../object-stores/s3.js';
import type { ObjectStore } from '../../object-stores/object-store.js';
import { BackendInvalidArgumentError } from '../errors.js';
import { escapeFamilyName } from './column-family-keys.js';
import { DatabaseLease, LEASE_UNCONFIRMED_ATTEMPTS, type LeaseClock, type LeaseRequest } from './database-lease.js';
import { locateDatabase, type DatabaseLocation } from './database-location.js';
import { classifyOpenError } from './engine-errors.js';
import { SlateDBLeaseUnconfirmedError } from './errors.js';
import { SlateDbDatabase } from './slatedb-database.js';
import { resolveBackendSettings, type ResolvedSlateDbBackendSettings, type SlateDbBackendSettings } from './slatedb-settings.js';

/** The name of the lease object inside a database's key prefix. */
export const LEASE_OBJECT = '.lock';

export { LEASE_UNCONFIRMED_ATTEMPTS };

/** Objects deleted at once by {@link SlateDbBackend.destroy}. */
const DELETE_CONCURRENCY = 16;

/** Options of `new SlateDbBackend()`: default settings for every open, and a logger. */
export interface SlateDbBackendOptions extends SlateDbBackendSettings {
  /** Where lease takeovers and losses are logged; the one installed with `setLogger` when omitted. */
  logger?: Logger;
  /**
   * Internal, for tests: the time the lease reads and the timer that renews it (default: the
   * system clock), so lease expiry and renewal can be tested without waiting for them.
   */
  clock?: LeaseClock;
}

/** A {@link Backend} storing each database as a SlateDB database in an object store. */
export class SlateDbBackend implements Backend {
  /** @inheritDoc */
  readonly name = 'slatedb' as const;
  /** @inheritDoc */
  readonly supports: BackendSupports = Object.freeze({
    persistent: true,
    nativeColumnFamilies: false,
    multiProcess: true,
  });
  readonly #defaults: Record<string, unknown>;
  readonly #logger: Logger | undefined;
  readonly #clock: LeaseClock | undefined;
  readonly #locationStores = new Map<string, ObjectStore>();
  readonly #localStores = new Map<string, ObjectStore>();

  /**
   * @param options - default settings for every open (see {@link SlateDbBackendSettings}), e.g.
   *   `{ objectStore: new MemoryObjectStore(), settings: { flushInterval: 10 } }`, and a logger
   * @throws BackendInvalidArgumentError when a setting has a wrong value
   */
  constructor(options: SlateDbBackendOptions = {}) {
    const { logger, clock, ...defaults } = options;
    resolveBackendSettings(defaults);
    this.#defaults = defaults;
    this.#logger = logger;
    this.#clock = clock;
  }

  /**
   * Open (creating if missing) the SlateDB database at `path`, exclusively: take its lease, open
   * the engine (which replays its WAL), read its families.
   * @param path - a file path (stored as local files there), a location path (`memory://name/db`,
   *   `s3://bucket/db`), or any path when an `objectStore` is set (see `database-location.ts`)
   * @param options - `columnFamilies` to create now; `settings`: {@link SlateDbBackendSettings}
   * @throws SlateDBLockError when another opener holds its lease
   * @throws SlateDBCorruptedError when its objects are corrupted
   * @throws BackendInvalidArgumentError when a setting, the path or a family name is invalid
   */
  async open(path: string, options: BackendOpenOptions = {}): Promise<SlateDbDatabase> {
    const families = options.columnFamilies ?? [];
    families.forEach(escapeFamilyName);
    const settings = resolveBackendSettings(this.#defaults, options.settings);
    const location = this.#locate(path, settings);
    const lease = await DatabaseLease.acquire(this.#leaseRequest(location.store, `${location.key}/${LEASE_OBJECT}`, path, settings));
    let engine: SlateDb;
    try {
      engine = await SlateDb.open(location.key, {
        objectStore: location.store,
        awaitDurable: settings.awaitDurable,
        logger: this.#logger ?? getLogger(),
        ...(settings.settings === undefined ? {} : { settings: settings.settings }),
      });
    } catch (error) {
      await lease.release();
      throw classifyOpenError(path, error);
    }
    let database: SlateDbDatabase | undefined;
    try {
      database = new SlateDbDatabase({
        path,
        supports: this.supports,
        engine,
        lease,
        families: await SlateDbDatabase.readFamilies(engine),
        awaitDurable: settings.awaitDurable,
      });
      await this.#createFamilies(database, families, path);
      // On a remote store, fill the block cache in the background with large reads, so the point
      // reads that follow an open (a partition handed over) do not each wait for a request.
      if (location.store instanceof S3ObjectStore) void database.warmBlockCache();
      return database;
    } catch (error) {
      if (database !== undefined) await database.close().catch(() => undefined);
      else await engine.close().catch(() => undefined).finally(() => lease.release());
      throw classifyOpenError(path, error);
    }
  }

  /**
   * Record the families asked for at open. A write refused because the lease was unconfirmed
   * (its renewal failed or was slow) is retried, at most {@link LEASE_UNCONFIRMED_ATTEMPTS} times
   * in all: each attempt renews the lease first. Each retry is logged.
   */
  async #createFamilies(database: SlateDbDatabase, families: string[], path: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await database.createFamilies(families);
        return;
      } catch (error) {
        if (!(error instanceof SlateDBLeaseUnconfirmedError) || attempt >= LEASE_UNCONFIRMED_ATTEMPTS) throw error;
        (this.#logger ?? getLogger()).warn(
          `Opening the SlateDB database at "${path}": creating its column families was refused, the lease is unconfirmed ` +
            `(attempt ${attempt}/${LEASE_UNCONFIRMED_ATTEMPTS}); retrying. ${error.message}`,
        );
      }
    }
  }

  /**
   * Delete every object of the database at `path` (its WAL and SSTs first, its manifests last,
   * so an interrupted destroy leaves a database that reads as corrupted rather than one that
   * silently lost data); succeeds when there is none.
   * @throws SlateDBLockError when it is open (its lease is live); close it first
   */
  async destroy(path: string): Promise<void> {
    const settings = resolveBackendSettings(this.#defaults);
    const { store, key } = this.#locate(path, settings);
    const leaseKey = `${key}/${LEASE_OBJECT}`;
    // Hold the lease while deleting, so no opener can start on the database mid-destroy (a mere
    // check of the lease would leave that window open). Throws SlateDBLockError when it is live.
    const lease = await DatabaseLease.acquire(this.#leaseRequest(store, leaseKey, path, settings));
    try {
      const objects = (await store.list(`${key}/`)).map((meta) => meta.key);
      const manifests = objects.filter((object) => object.startsWith(`${key}/manifest/`));
      const rest = objects.filter((object) => object !== leaseKey && !object.startsWith(`${key}/manifest/`));
      for (const group of [rest, manifests]) {
        for (let at = 0; at < group.length; at += DELETE_CONCURRENCY) {
          await Promise.all(group.slice(at, at + DELETE_CONCURRENCY).map((object) => store.delete(object)));
        }
      }
    } finally {
      await lease.release();
    }
  }

  /**
   * @returns whether a SlateDB database (a manifest) exists there
   */
  async exists(path: string): Promise<boolean> {
    const { store, key } = this.#locate(path, resolveBackendSettings(this.#defaults));
    return (await store.list(`${key}/manifest/`)).length > 0;
  }

  #leaseRequest(store: ObjectStore, key: string, path: string, settings: ResolvedSlateDbBackendSettings): LeaseRequest {
    const { lockTtlMs: ttlMs, lockRenewIntervalMs: renewIntervalMs } = settings;
    return { store, key, path, ttlMs, renewIntervalMs, logger: this.#logger ?? getLogger(), clock: this.#clock };
  }

  #locate(path: string, settings: ResolvedSlateDbBackendSettings): DatabaseLocation {
    const { objectStore, objectStoreOptions, root } = settings;
    const stores = {
      fromLocation: (location: string): ObjectStore => {
        let store = this.#locationStores.get(location);
        if (store === undefined) {
          try {
            store = objectStoreFromLocation(location, objectStoreOptions);
          } catch (error) {
            throw new BackendInvalidArgumentError(`objectStore: ${(error as Error).message}.`);
          }
          this.#locationStores.set(location, store);
        }
        return store;
      },
      localDirectory: (directory: string): ObjectStore => {
        let store = this.#localStores.get(directory);
        if (store === undefined) {
          store = new LocalFileObjectStore(directory, objectStoreOptions.file);
          this.#localStores.set(directory, store);
        }
        return store;
      },
    };
    const explicit = typeof objectStore === 'string' ? stores.fromLocation(objectStore) : objectStore;
    return locateDatabase(path, explicit, root, stores);
  }
}

/** The process-wide SlateDB backend (no defaults: stores derive from paths, local files by default). */
export const slateDbBackend: SlateDbBackend = new SlateDbBackend();
