/**
 * Stores in memory: the {@link StoreBackend} of the memory backend and `MemoryStore`.
 *
 * Partitions live in the process-wide memory backend under their path, so a revoked and reassigned
 * partition (or a new manager on the same state directory) finds its data again while the process
 * lives; pass `backend: new MemoryBackend()` for an isolated namespace.
 *
 * @module
 */
import { memoryBackend, MEMORY_LOCKED } from '../backends/memory/index.js';
import { StoreCorruptedError, StoreLockError } from '../errors.js';
import { StoreOpenAborted } from './errors.js';
import { resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from './options.js';
import { Store, type StoreConfig } from './store.js';
import type { StoreBackend } from './store-backend.js';

/** Options of memory stores: the shared {@link StoreOptions}. */
export type MemoryOptions = StoreOptions;

/** How stores use the memory backend. */
export const memoryStoreBackend: StoreBackend<MemoryOptions, ResolvedStoreOptions> = Object.freeze({
  name: 'memory',
  localDirectory: false,
  errors: {
    lock: (path: string, message: string, options: { cause: unknown }) => new StoreLockError(path, message, { ...options, code: MEMORY_LOCKED }),
    corrupted: (path: string, message: string, options: { cause: unknown }) => new StoreCorruptedError(path, message, options),
    openAborted: (path: string, message: string) => new StoreOpenAborted(path, message),
  },
  loadBackend: async () => memoryBackend,
  resolveOptions: (options: MemoryOptions | undefined) => resolveStoreOptions(options, 'memoryOptions'),
  openSettings: () => ({}),
});

/** A store whose partitions live in memory. */
export class MemoryStore extends Store<MemoryOptions, ResolvedStoreOptions> {
  /**
   * @param config - name, stream, directory (a namespace here), options, changelog
   * @throws InvalidStoreNameError when the name or stream id cannot name a directory
   * @throws InvalidOptionsError when an option is invalid
   */
  constructor(config: StoreConfig<MemoryOptions>) {
    super(memoryStoreBackend, config);
  }
}
