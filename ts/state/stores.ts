/**
 * The store classes: one table of backends × kinds. Each row is a backend's {@link StoreBackend}
 * and its plain, windowed and timestamped store classes; the manager makes every store from it.
 * A new backend adds a `StoreBackend` (in `store-backend.ts`), three classes and a row here; a new
 * kind adds a column.
 *
 * @module
 */
import type { BackendName } from '../backends/backend.js';
import type { ResolvedRocksDBOptions, ResolvedSlateDBOptions, ResolvedStoreOptions, RocksDBOptions, SlateDBOptions } from './options.js';
import { Store, type StoreConfig } from './store.js';
import { memoryStoreBackend, rocksDbStoreBackend, slateDbStoreBackend, type MemoryOptions, type StoreBackend } from './store-backend.js';
import { TimestampedStore, type TimestampedStoreKindOptions } from './timestamped/timestamped-store.js';
import { WindowedStore } from './windowed/windowed-store.js';

/** A store whose partitions live in memory. */
export class MemoryStore extends Store<MemoryOptions, ResolvedStoreOptions> {
  /** @param config - name, stream, directory (a namespace here), options, changelog */
  constructor(config: StoreConfig<MemoryOptions>) {
    super(memoryStoreBackend, config);
  }
}

/** A store whose partitions are RocksDB databases. */
export class RocksDBStore extends Store<RocksDBOptions, ResolvedRocksDBOptions> {
  /** @param config - name, stream, state directory, RocksDB options, changelog */
  constructor(config: StoreConfig<RocksDBOptions>) {
    super(rocksDbStoreBackend, config);
  }
}

/** A store whose partitions are SlateDB databases. */
export class SlateDBStore extends Store<SlateDBOptions, ResolvedSlateDBOptions> {
  /** @param config - name, stream, state directory, SlateDB options, changelog */
  constructor(config: StoreConfig<SlateDBOptions>) {
    super(slateDbStoreBackend, config);
  }
}

/** A windowed store whose partitions live in memory. */
export class WindowedMemoryStore extends WindowedStore<MemoryOptions, ResolvedStoreOptions> {
  /** @param config - name, stream, directory (a namespace here), options, changelog */
  constructor(config: StoreConfig<MemoryOptions>) {
    super(memoryStoreBackend, config);
  }
}

/** A windowed store whose partitions are RocksDB databases (Python's `WindowedRocksDBStore`). */
export class WindowedRocksDBStore extends WindowedStore<RocksDBOptions, ResolvedRocksDBOptions> {
  /** @param config - name, stream, state directory, RocksDB options, changelog */
  constructor(config: StoreConfig<RocksDBOptions>) {
    super(rocksDbStoreBackend, config);
  }
}

/** A windowed store whose partitions are SlateDB databases. */
export class WindowedSlateDBStore extends WindowedStore<SlateDBOptions, ResolvedSlateDBOptions> {
  /** @param config - name, stream, state directory, SlateDB options, changelog */
  constructor(config: StoreConfig<SlateDBOptions>) {
    super(slateDbStoreBackend, config);
  }
}

/** A timestamped store whose partitions live in memory. */
export class TimestampedMemoryStore extends TimestampedStore<MemoryOptions, ResolvedStoreOptions> {
  /**
   * @param config - name, stream, directory (a namespace here), options, changelog
   * @param settings - `graceMs` and `keepDuplicates`
   */
  constructor(config: StoreConfig<MemoryOptions>, settings: TimestampedStoreKindOptions) {
    super(memoryStoreBackend, config, settings);
  }
}

/** A timestamped store whose partitions are RocksDB databases. */
export class TimestampedRocksDBStore extends TimestampedStore<RocksDBOptions, ResolvedRocksDBOptions> {
  /**
   * @param config - name, stream, state directory, RocksDB options, changelog
   * @param settings - `graceMs` and `keepDuplicates`
   */
  constructor(config: StoreConfig<RocksDBOptions>, settings: TimestampedStoreKindOptions) {
    super(rocksDbStoreBackend, config, settings);
  }
}

/** A timestamped store whose partitions are SlateDB databases. */
export class TimestampedSlateDBStore extends TimestampedStore<SlateDBOptions, ResolvedSlateDBOptions> {
  /**
   * @param config - name, stream, state directory, SlateDB options, changelog
   * @param settings - `graceMs` and `keepDuplicates`
   */
  constructor(config: StoreConfig<SlateDBOptions>, settings: TimestampedStoreKindOptions) {
    super(slateDbStoreBackend, config, settings);
  }
}

/** The kinds of store: plain key/value, windowed (docs/windows.md), timestamped. */
export type StoreKindName = 'plain' | 'windowed' | 'timestamped';

/** Makes one store class of the table (the plain and windowed ones ignore `kindOptions`). */
export type StoreClass = new (config: StoreConfig<any>, kindOptions: TimestampedStoreKindOptions) => Store<any, any>;

/** One backend's row of {@link STORES}. */
export interface StoreRow extends Readonly<Record<StoreKindName, StoreClass>> {
  /** How stores use the backend. */
  readonly storeBackend: StoreBackend<any, any>;
}

/** Backends × kinds: every store the manager makes comes from this table. */
export const STORES: Readonly<Record<BackendName, StoreRow>> = Object.freeze({
  memory: Object.freeze({ storeBackend: memoryStoreBackend, plain: MemoryStore, windowed: WindowedMemoryStore, timestamped: TimestampedMemoryStore }),
  rocksdb: Object.freeze({ storeBackend: rocksDbStoreBackend, plain: RocksDBStore, windowed: WindowedRocksDBStore, timestamped: TimestampedRocksDBStore }),
  slatedb: Object.freeze({ storeBackend: slateDbStoreBackend, plain: SlateDBStore, windowed: WindowedSlateDBStore, timestamped: TimestampedSlateDBStore }),
});
