/**
 * Stores in SlateDB: the {@link StoreBackend} of the SlateDB backend and `SlateDBStore`. Each
 * partition is a SlateDB database in an object store (local files in the state directory by
 * default), opened exclusively through a lease; the wasm engine loads when the first partition opens.
 *
 * Each SlateDB store gets its own backend instance, configured with the store's object store and
 * state directory ({@link slatedbStoreBackendFor}), so that opening, `exists` and `destroy` of a
 * partition (the latter two take only a path) all reach the same objects.
 *
 * @module
 */
import { SlateDbBackend, slateDbBackend } from '../backends/slatedb/index.js';
import { SlateDBCorruptedError, SlateDBLockError } from '../errors.js';
import { SlateDBOpenAborted } from './errors.js';
import { resolveSlateDBOptions, SLATEDB_TUNING_FIELDS, type ResolvedSlateDBOptions, type SlateDBOptions } from './options.js';
import { Store, type StoreConfig } from './store.js';
import type { StoreBackend } from './store-backend.js';
import type { ObjectStore } from '../object-stores/object-store.js';
import { printableLocation } from '../object-stores/location.js';
import { S3ObjectStore } from '../object-stores/s3.js';

/**
 * How stores use the SlateDB backend, without a state directory: partitions go to the
 * process-wide backend, and an `objectStore` keeps the whole partition path as its key. Stores
 * made by the manager or the `*SlateDBStore` classes use {@link slatedbStoreBackendFor} instead.
 */
export const slatedbStoreBackend: StoreBackend<SlateDBOptions, ResolvedSlateDBOptions> = Object.freeze({
  name: 'slatedb',
  localDirectory: false,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new SlateDBLockError(path, message, options),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new SlateDBCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new SlateDBOpenAborted(path, message),
  },
  loadBackend: async () => slateDbBackend,
  resolveOptions: (options: SlateDBOptions | undefined) => resolveSlateDBOptions(options),
  openSettings: (options: ResolvedSlateDBOptions) => slateDbOpenSettings(options),
});

/**
 * The SlateDB store backend of one store: a backend instance whose defaults are the store's
 * options, with the store's state directory as the root that object-store keys are relative to
 * (a partition's key is `<store>/<stream>/<partition>`).
 * @param config - the store's configuration (its `stateDir` and `options`)
 * @returns the store backend
 * @throws InvalidOptionsError when an option is invalid
 */
export function slatedbStoreBackendFor(
  config: Pick<StoreConfig<SlateDBOptions>, 'stateDir' | 'options' | 'logger'>,
): StoreBackend<SlateDBOptions, ResolvedSlateDBOptions> {
  const settings = { ...slateDbOpenSettings(resolveSlateDBOptions(config.options)), root: config.stateDir };
  let backend: SlateDbBackend | undefined;
  return Object.freeze({
    ...slatedbStoreBackend,
    loadBackend: async () => (backend ??= new SlateDbBackend({ ...settings, ...(config.logger === undefined ? {} : { logger: config.logger }) })),
    openSettings: (options: ResolvedSlateDBOptions) => ({ ...slateDbOpenSettings(options), root: config.stateDir }),
    describePath: (path: string) => describeSlateDbPath(path, config.stateDir, config.options?.objectStore),
  });
}

/**
 * A partition path as the location its objects are at: with an explicit object store, the store's
 * location (`s3://bucket/prefix`, a location string as given) and the key under it (the path
 * relative to the state directory); otherwise the path itself (a local path or a location).
 */
function describeSlateDbPath(path: string, stateDir: string, objectStore: ObjectStore | string | undefined): string {
  if (objectStore === undefined) return path;
  const key = path.startsWith(`${stateDir}/`) ? path.slice(stateDir.length + 1) : path.replace(/^\/+/, '');
  let base: string;
  if (typeof objectStore === 'string') base = printableLocation(objectStore).replace(/\/+$/, '');
  else if (objectStore instanceof S3ObjectStore) base = `s3://${objectStore.bucket}${objectStore.prefix === '' ? '' : `/${objectStore.prefix.replace(/\/+$/, '')}`}`;
  else base = `${objectStore.constructor?.name ?? 'object store'}:`;
  return `${base}/${key}`;
}

/**
 * The SlateDB backend's open settings for resolved options.
 * @param options - resolved SlateDB options
 * @returns the tuning fields that are set
 */
function slateDbOpenSettings(options: ResolvedSlateDBOptions): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of SLATEDB_TUNING_FIELDS) if (options[field] !== undefined) settings[field] = options[field];
  return settings;
}

/** A store whose partitions are SlateDB databases. */
export class SlateDBStore extends Store<SlateDBOptions, ResolvedSlateDBOptions> {
  /**
   * @param config - name, stream, state directory, SlateDB options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<SlateDBOptions>) {
    super(slatedbStoreBackendFor(config), config);
  }
}
