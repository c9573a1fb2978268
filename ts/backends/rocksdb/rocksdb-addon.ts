/**
 * The part of the `@nxtedition/rocksdb` native addon this backend uses, and its lazy loading.
 *
 * The addon is an optional dependency with prebuilt binaries for a few platforms only, and runtimes
 * such as workerd cannot load native code at all, so nothing imports it until a RocksDB database is
 * opened.
 *
 * @module
 */
import { BackendUnavailableError } from '../errors.js';

/** An opaque column family handle, as the addon returns it in {@link RocksLevelHandle.columns}. */
export type AddonColumn = object;

/** Options of `RocksLevel.open()`: database options, plus per-family options under `columns`. */
export interface AddonOpenOptions extends AddonColumnOptions {
  /** Create the directory and database when missing. */
  createIfMissing: boolean;
  /** Every family to open (creating missing ones), each with its own options. */
  columns: Record<string, AddonColumnOptions>;
  /** RocksDB `enable_pipelined_write`. */
  pipelinedWrite?: boolean;
  /** Background threads (RocksDB `IncreaseParallelism`). */
  parallelism?: number;
  /** RocksDB info log level; the log is discarded when unset. */
  infoLogLevel?: string;
  /** Any other option the addon reads. */
  [option: string]: unknown;
}

/** Options the addon applies per column family. */
export interface AddonColumnOptions {
  /** zstd when true (the addon's only codec), none when false. */
  compression?: boolean;
  /** Block cache bytes (a 32-bit number in the addon). */
  cacheSize?: number;
  /** A RocksDB filter policy string, e.g. `'bloomfilter:10:false'`; `''` for none. */
  filterPolicy?: string;
  /** Any other option the addon reads. */
  [option: string]: unknown;
}

/** One operation of {@link RocksLevelHandle.batch}. */
export interface AddonBatchOperation {
  type: 'put' | 'del';
  key: Uint8Array;
  value?: Uint8Array;
  column: AddonColumn;
}

/** An addon iterator (abstract-level). */
export interface AddonIterator {
  /** Up to `size` entries; an empty array at the end. */
  nextv(size: number): Promise<[Uint8Array, Uint8Array][]>;
  /** Release the native iterator. */
  close(): Promise<void>;
}

/** An addon database (an abstract-level `RocksLevel` with `buffer` encodings). */
export interface RocksLevelHandle {
  /** Open families by name, filled by `open()`. */
  readonly columns: Record<string, AddonColumn>;
  /** abstract-level status: `'opening'`, `'open'`, `'closing'`, `'closed'`. */
  readonly status: string;
  /** Open the directory with the families in `options.columns`. */
  open(options: AddonOpenOptions): Promise<void>;
  /** Close (waiting for reads in flight, closing iterators). */
  close(): Promise<void>;
  /** RocksDB MultiGet on the libuv thread pool. */
  getMany(keys: Uint8Array[], options: { column: AddonColumn }): Promise<(Uint8Array | undefined)[]>;
  /** RocksDB MultiGet on the calling thread (the addon's own sync API; crashes if not open). */
  _getManySync(keys: Uint8Array[], options: { column: AddonColumn }): (Uint8Array | undefined)[];
  /** Apply operations as one atomic RocksDB write batch. */
  batch(operations: AddonBatchOperation[], options: { sync: boolean }): Promise<void>;
  /** A RocksDB iterator over one family within bounds (its snapshot is taken now). */
  iterator(options: {
    column: AddonColumn;
    gt?: Uint8Array;
    gte?: Uint8Array;
    lt?: Uint8Array;
    reverse: boolean;
  }): AddonIterator;
}

/** The addon's constructor. */
export type RocksLevelConstructor = new (
  location: string,
  options: { keyEncoding: 'buffer'; valueEncoding: 'buffer' },
) => RocksLevelHandle;

/** The npm package providing RocksDB. */
export const ROCKSDB_ADDON_PACKAGE = '@nxtedition/rocksdb';

let loading: Promise<RocksLevelConstructor> | undefined;

/**
 * Load the addon once per process.
 * @returns the addon's `RocksLevel` class
 * @throws BackendUnavailableError when the package is missing or its native binary does not load here
 */
export function loadRocksDbAddon(): Promise<RocksLevelConstructor> {
  loading ??= importAddon();
  return loading;
}

/**
 * Whether the RocksDB backend can run here, for choosing a default backend (RocksDB where the
 * addon loads, SlateDB elsewhere). Loads the addon on the first call.
 * @returns true when the native addon loads in this runtime
 */
export async function rocksDbAvailable(): Promise<boolean> {
  try {
    await loadRocksDbAddon();
    return true;
  } catch {
    return false;
  }
}

async function importAddon(): Promise<RocksLevelConstructor> {
  // A variable specifier keeps bundlers and tsc from resolving the optional package statically.
  const specifier: string = ROCKSDB_ADDON_PACKAGE;
  let addon: { RocksLevel?: RocksLevelConstructor; default?: { RocksLevel?: RocksLevelConstructor } };
  try {
    addon = await import(specifier);
  } catch (cause) {
    loading = undefined;
    const refused = (cause as { name?: unknown })?.name === 'NotCapable' || (cause as { name?: unknown })?.name === 'PermissionDenied';
    throw new BackendUnavailableError(
      `The RocksDB backend needs the native addon ${ROCKSDB_ADDON_PACKAGE}, which did not load in this runtime ` +
        `(${(cause as Error)?.message ?? String(cause)}). ` +
        (refused
          ? 'The runtime refused a permission: under Deno, RocksDB needs --allow-read --allow-write --allow-env --allow-ffi. '
          : `Install it (npm install ${ROCKSDB_ADDON_PACKAGE}; prebuilt for linux-x64 and darwin-arm64). `) +
        "Or use backend: 'slatedb', which needs no native code.",
      { cause },
    );
  }
  const RocksLevel = addon.RocksLevel ?? addon.default?.RocksLevel;
  if (typeof RocksLevel !== 'function') {
    throw new BackendUnavailableError(
      `${ROCKSDB_ADDON_PACKAGE} loaded but has no RocksLevel class; install version 12 (the one streamstate ` +
        `is tested with), or use backend: 'slatedb'.`,
    );
  }
  return RocksLevel;
}
