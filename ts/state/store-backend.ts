/**
 * `StoreBackend`: what a store needs to know about the backend its partitions live in — how to get
 * the {@link Backend}, how to check its options and turn them into open settings, which errors a
 * failed open ends with, and whether partitions are directories under the state directory.
 *
 * One value per backend (`memoryStoreBackend`, `rocksdbStoreBackend`; a SlateDB one is a few lines
 * more) makes every store kind (plain, windowed, timestamped) run on every backend.
 *
 * @module
 */
import type { Backend, BackendName } from '../backends/backend.js';
import type { StoreBackendErrors } from './open-partition.js';
import type { ResolvedStoreOptions, StoreOptions } from './options.js';

/** How stores use one backend. `O`: the options users give; `R`: the resolved options. */
export interface StoreBackend<O extends StoreOptions = StoreOptions, R extends ResolvedStoreOptions = ResolvedStoreOptions> {
  /** The backend's name. */
  readonly name: BackendName;
  /**
   * True when each partition is a directory under the state directory (the manager then creates
   * the directory in `init()` and deletes it in `clearStores()`).
   */
  readonly localDirectory: boolean;
  /** The errors a failed open ends with. */
  readonly errors: StoreBackendErrors;
  /** @returns the backend (loaded lazily, so runtimes without it never import it) */
  loadBackend(): Promise<Backend>;
  /**
   * @param options - the options users gave (omitted: defaults)
   * @returns validated, frozen options with defaults filled in
   * @throws InvalidOptionsError on a bad field
   */
  resolveOptions(options: O | undefined): R;
  /**
   * @param options - resolved options
   * @returns the backend-specific `settings` of `backend.open`
   */
  openSettings(options: R): Record<string, unknown>;
  /**
   * Where a partition path really lives, for log lines, when that is not the path itself (a
   * SlateDB store on an explicit object store: `s3://bucket/prefix/<store>/<stream>/<partition>`).
   * @param path - the partition path
   * @returns the location to print
   */
  describePath?(path: string): string;
}
