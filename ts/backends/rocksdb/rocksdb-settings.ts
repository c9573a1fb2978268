/**
 * RocksDB tuning (the `settings` of {@link Backend.open} for the RocksDB backend), named after Quix's
 * `RocksDBOptions`, and how each maps onto what the `@nxtedition/rocksdb` addon exposes.
 *
 * The addon does not expose every RocksDB option. Settings it cannot express are accepted (so one
 * options object serves every backend) and have no effect; each says so below and in
 * docs/backends.md.
 *
 * @module
 */
import { BackendInvalidArgumentError } from '../errors.js';
import type { AddonColumnOptions } from './rocksdb-addon.js';

/** The compression names Quix accepts. */
export const ROCKSDB_COMPRESSIONS = Object.freeze(['none', 'snappy', 'zlib', 'bz2', 'lz4', 'lz4hc', 'zstd'] as const);

/** One of {@link ROCKSDB_COMPRESSIONS}. */
export type RocksDbCompression = (typeof ROCKSDB_COMPRESSIONS)[number];

/** RocksDB settings. Every field is optional; the defaults are Quix's where the addon can apply them. */
export interface RocksDbSettings {
  /** LRU block cache bytes per database. Default 134217728 (128 MiB); at most 4 GiB - 1. */
  blockCacheSize?: number;
  /** Bits per key of the block-based bloom filter; 0 for no filter. Default 10. */
  bloomFilterBitsPerKey?: number;
  /**
   * `'none'` turns compression off; any other name turns it on with zstd, the only codec the addon
   * builds in (Quix's default is lz4). Default `'lz4'` (so: zstd).
   */
  compressionType?: RocksDbCompression;
  /** RocksDB `enable_pipelined_write`. Default false. */
  enablePipelinedWrite?: boolean;
  /**
   * Sync the write-ahead log to disk on every batch (RocksDB `WriteOptions.sync`). Default false,
   * as in Quix: a batch survives a process crash, and the changelog covers a machine crash.
   */
  syncWrites?: boolean;
  /**
   * Point reads (`get`, `getMany`) run RocksDB's MultiGet on the JavaScript thread, as Quix does:
   * about 15 times faster than a round trip through the thread pool when the data is cached, but a
   * read from a slow disk blocks the event loop meanwhile. Default true; false moves them to the
   * libuv thread pool.
   */
  synchronousReads?: boolean;
  /** Not settable through the addon (RocksDB's default, 64 MiB, applies, as in Quix). */
  writeBufferSize?: number;
  /** Not settable through the addon (RocksDB's default, 64 MiB, applies, as in Quix). */
  targetFileSizeBase?: number;
  /** Not settable through the addon (RocksDB's default, 2, applies; Quix uses 3). */
  maxWriteBufferNumber?: number;
  /** Not settable through the addon (the write-ahead log stays in the database directory). */
  walDir?: string;
  /** Not applied: the addon reads it but does not pass it on (RocksDB's default applies). */
  maxTotalWalSize?: number;
  /** Not settable through the addon (its info log is discarded unless `addonOptions.infoLogLevel`). */
  dbLogDir?: string;
  /** Not settable through the addon (RocksDB's default, fdatasync, applies). */
  useFsync?: boolean;
  /**
   * Raw options handed to the addon's `open()` for the database and every family, after the mapped
   * ones (e.g. `{ parallelism: 2, infoLogLevel: 'warn' }`); see the addon's binding for names.
   */
  addonOptions?: Record<string, unknown>;
}

/** What {@link toAddonOptions} produces. */
export interface AddonSettings {
  /** Options for the database and for each family. */
  readonly options: AddonColumnOptions & { pipelinedWrite: boolean };
  /** Write options of every batch. */
  readonly sync: boolean;
  /** Run point reads on the calling thread. */
  readonly synchronousReads: boolean;
}

/**
 * Map settings onto addon options.
 * @param settings - the `settings` given to `open()`; unknown keys are ignored
 * @returns addon options, the write `sync` flag and the read mode
 * @throws BackendInvalidArgumentError when a setting has a value of the wrong kind
 */
export function toAddonOptions(settings: Record<string, unknown> = {}): AddonSettings {
  const blockCacheSize = nonNegativeInteger(settings, 'blockCacheSize', 134_217_728);
  if (blockCacheSize > 0xffff_ffff) {
    throw new BackendInvalidArgumentError(
      `blockCacheSize can be at most 4294967295 bytes with the RocksDB addon, got ${blockCacheSize}.`,
    );
  }
  const bloomBits = nonNegativeInteger(settings, 'bloomFilterBitsPerKey', 10);
  const compressionType = settings.compressionType ?? 'lz4';
  if (!ROCKSDB_COMPRESSIONS.includes(compressionType as RocksDbCompression)) {
    throw new BackendInvalidArgumentError(
      `compressionType must be one of ${ROCKSDB_COMPRESSIONS.join(', ')}; got ${String(compressionType)}.`,
    );
  }
  const addonOptions = settings.addonOptions ?? {};
  if (typeof addonOptions !== 'object' || addonOptions === null) {
    throw new BackendInvalidArgumentError('addonOptions must be an object of raw @nxtedition/rocksdb open options.');
  }
  return {
    options: {
      cacheSize: blockCacheSize,
      filterPolicy: bloomBits === 0 ? '' : `bloomfilter:${bloomBits}:false`,
      compression: compressionType !== 'none',
      pipelinedWrite: flag(settings, 'enablePipelinedWrite', false),
      ...addonOptions,
    },
    sync: flag(settings, 'syncWrites', false),
    synchronousReads: flag(settings, 'synchronousReads', true),
  };
}

function nonNegativeInteger(settings: Record<string, unknown>, name: string, fallback: number): number {
  const value = settings[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new BackendInvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}.`);
  }
  return value;
}

function flag(settings: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = settings[name] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new BackendInvalidArgumentError(`${name} must be true or false, got ${String(value)}.`);
  }
  return value;
}
