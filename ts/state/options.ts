/**
 * Store options: the fields every backend's stores share (serializer, open retries, corruption
 * handling), `RocksDBOptions` (camelCased) and `SlateDBOptions`. Options are validated once, when a
 * store is made, and frozen; an unknown field or a wrong type is an {@link InvalidOptionsError}.
 *
 * @module
 */
import { ROCKSDB_COMPRESSIONS, type RocksDbCompression, type RocksDbSettings } from '../backends/rocksdb/rocksdb-settings.js';
import {
  checkObjectStoreLocationOptions,
  DEFAULT_LOCK_TTL_MS,
  defaultLockRenewIntervalMs,
  leaseTimingProblem,
  objectStoreProblem,
  withRedactedPrinting,
  type SlateDbBackendSettings,
} from '../backends/slatedb/slatedb-settings.js';
import { InvalidOptionsError } from './errors.js';
import { dumps as jsonDumps, loads as jsonLoads, type Dumps, type Loads } from './serialization.js';

/** Options every store has, whatever its backend. */
export interface StoreOptions {
  /** Serializer of keys, values and prefixes that are not bytes. Default: compact JSON. */
  dumps?: Dumps;
  /** Deserializer of values. Default: JSON. */
  loads?: Loads;
  /** Most attempts to open a partition held by another opener (0 or 1: a single attempt). Default 10. */
  openMaxRetries?: number;
  /** Wait between open attempts, in milliseconds. Default 3000. */
  openRetryBackoffMs?: number;
  /**
   * When a partition is found corrupted at open and the store has a changelog: delete it and open
   * an empty one, to be rebuilt from the changelog. Default true.
   */
  onCorruptedRecreate?: boolean;
}

/** {@link StoreOptions} with every field set. */
export interface ResolvedStoreOptions {
  /** @see StoreOptions.dumps */
  readonly dumps: Dumps;
  /** @see StoreOptions.loads */
  readonly loads: Loads;
  /** @see StoreOptions.openMaxRetries */
  readonly openMaxRetries: number;
  /** @see StoreOptions.openRetryBackoffMs */
  readonly openRetryBackoffMs: number;
  /** @see StoreOptions.onCorruptedRecreate */
  readonly onCorruptedRecreate: boolean;
}

/** RocksDB compression algorithms (the RocksDB backend's {@link RocksDbCompression}). */
export type RocksDBCompressionType = RocksDbCompression;

/**
 * RocksDB tuning: the RocksDB backend's settings ({@link RocksDbSettings}, named after Quix's
 * `RocksDBOptions`; each says whether the addon applies it), passed to it as open settings.
 */
export interface RocksDBTuning extends Omit<RocksDbSettings, 'synchronousReads'> {
  /** TTL sweep budget per flush, kept for Quix's option set (streamstate has no TTL state). Default 10000. */
  maxEvictionsPerFlush?: number;
}

/** Options of RocksDB stores: {@link StoreOptions} plus {@link RocksDBTuning}. */
export interface RocksDBOptions extends StoreOptions, RocksDBTuning {}

type OptionalTuning = 'walDir' | 'dbLogDir' | 'syncWrites' | 'addonOptions';

/** {@link RocksDBOptions} with every field set (except `walDir`, `dbLogDir`, `syncWrites`, `addonOptions`). */
export interface ResolvedRocksDBOptions
  extends ResolvedStoreOptions,
    Readonly<Required<Omit<RocksDBTuning, OptionalTuning>>>,
    Readonly<Pick<RocksDBTuning, OptionalTuning>> {}

type Check = (value: unknown) => boolean;

/** How {@link resolveOptions} checks one field. */
export interface OptionRule {
  /** True when the given value is acceptable. */
  readonly check: Check;
  /** The acceptable form, for the message (e.g. `'a positive integer'`). */
  readonly expected: string;
  /** The default; `undefined` leaves the field out when not given. */
  readonly fallback: unknown;
  /**
   * What is wrong with a value that fails `check`, when more can be said than `expected` (the
   * message then reads `<label>.<field> <problem>.`); the value itself is not repeated.
   */
  readonly problem?: (value: unknown) => string | undefined;
}

const nonNegativeInteger: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const positiveInteger: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const isBoolean: Check = (value) => typeof value === 'boolean';
const isFunction: Check = (value) => typeof value === 'function';
const nonEmptyString: Check = (value) => typeof value === 'string' && value.length > 0;

/** The rules of the {@link StoreOptions} fields, for backends that extend them. */
export const STORE_OPTION_RULES: Readonly<Record<keyof StoreOptions, OptionRule>> = {
  dumps: { check: isFunction, expected: 'a function (value) => Uint8Array', fallback: jsonDumps },
  loads: { check: isFunction, expected: 'a function (bytes) => value', fallback: jsonLoads },
  openMaxRetries: { check: nonNegativeInteger, expected: 'a non-negative integer', fallback: 10 },
  openRetryBackoffMs: {
    check: (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0,
    expected: 'a non-negative number of milliseconds',
    fallback: 3000,
  },
  onCorruptedRecreate: { check: isBoolean, expected: 'a boolean', fallback: true },
};

const ROCKSDB_RULES: Readonly<Record<keyof RocksDBTuning, OptionRule>> = {
  writeBufferSize: { check: positiveInteger, expected: 'a positive integer (bytes)', fallback: 67108864 },
  targetFileSizeBase: { check: positiveInteger, expected: 'a positive integer (bytes)', fallback: 67108864 },
  maxWriteBufferNumber: { check: positiveInteger, expected: 'a positive integer', fallback: 3 },
  blockCacheSize: { check: nonNegativeInteger, expected: 'a non-negative integer (bytes)', fallback: 134217728 },
  bloomFilterBitsPerKey: { check: nonNegativeInteger, expected: 'a non-negative integer', fallback: 10 },
  enablePipelinedWrite: { check: isBoolean, expected: 'a boolean', fallback: false },
  compressionType: {
    check: (value) => ROCKSDB_COMPRESSIONS.includes(value as RocksDBCompressionType),
    expected: `one of ${ROCKSDB_COMPRESSIONS.map((name) => `'${name}'`).join(', ')}`,
    fallback: 'lz4',
  },
  walDir: { check: nonEmptyString, expected: 'a directory path', fallback: undefined },
  maxTotalWalSize: { check: nonNegativeInteger, expected: 'a non-negative integer (bytes)', fallback: 134217728 },
  dbLogDir: { check: nonEmptyString, expected: 'a directory path', fallback: undefined },
  useFsync: { check: isBoolean, expected: 'a boolean', fallback: true },
  maxEvictionsPerFlush: { check: nonNegativeInteger, expected: 'a non-negative integer', fallback: 10000 },
  syncWrites: { check: isBoolean, expected: 'a boolean', fallback: undefined },
  addonOptions: {
    check: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    expected: 'an object of raw addon open options',
    fallback: undefined,
  },
};

/** The names of the RocksDB tuning fields, which the RocksDB backend receives as open settings. */
export const ROCKSDB_TUNING_FIELDS: readonly (keyof RocksDBTuning)[] = Object.freeze(Object.keys(ROCKSDB_RULES) as (keyof RocksDBTuning)[]);

/**
 * SlateDB tuning: the SlateDB backend's settings ({@link SlateDbBackendSettings}) but `root`, which
 * is the store's state directory. With an `objectStore`, a partition's objects are under
 * `<store name>/<stream id>/<partition>/`; without one, local files in the state directory (or the
 * store a location-style `stateDir` such as `s3://bucket/state` names).
 */
export interface SlateDBTuning extends Omit<SlateDbBackendSettings, 'root'> {}

/** Options of SlateDB stores: {@link StoreOptions} plus {@link SlateDBTuning}. */
export interface SlateDBOptions extends StoreOptions, SlateDBTuning {}

/** {@link SlateDBOptions} with every field set (except `objectStore`, `objectStoreOptions`, `settings`). */
export interface ResolvedSlateDBOptions
  extends ResolvedStoreOptions,
    Readonly<Pick<SlateDBTuning, 'objectStore' | 'objectStoreOptions' | 'settings'>>,
    Readonly<Required<Pick<SlateDBTuning, 'awaitDurable' | 'lockTtlMs' | 'lockRenewIntervalMs'>>> {}

const isPlainObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const positiveMilliseconds: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value > 0;

const SLATEDB_RULES: Readonly<Record<keyof SlateDBTuning, OptionRule>> = {
  objectStore: {
    check: (value) => objectStoreProblem(value) === undefined,
    expected: 'an ObjectStore (with put, get, head, list, delete, copy) or a location: file:///dir, memory://, memory://name, s3://bucket/prefix',
    fallback: undefined,
    problem: (value) =>
      typeof value === 'string'
        ? `must be an ObjectStore or a valid location, and this location is not usable: ${objectStoreProblem(value)}`
        : undefined,
  },
  objectStoreOptions: {
    check: (value) => checkObjectStoreLocationOptions(value) === undefined,
    expected: 'an object ({ s3?, file? })',
    fallback: undefined,
    problem: (value) => checkObjectStoreLocationOptions(value),
  },
  awaitDurable: { check: isBoolean, expected: 'a boolean', fallback: true },
  lockTtlMs: { check: positiveMilliseconds, expected: 'a positive number of milliseconds', fallback: DEFAULT_LOCK_TTL_MS },
  lockRenewIntervalMs: { check: positiveMilliseconds, expected: 'a positive number of milliseconds', fallback: undefined },
  settings: { check: isPlainObject, expected: 'an object of SlateDB settings such as { flushInterval: 100 }', fallback: undefined },
};

/** The names of the SlateDB tuning fields, which the SlateDB backend receives as open settings. */
export const SLATEDB_TUNING_FIELDS: readonly (keyof SlateDBTuning)[] = Object.freeze(Object.keys(SLATEDB_RULES) as (keyof SlateDBTuning)[]);

/**
 * Validate store options and fill in the defaults.
 * @param options - the options (omitted: all defaults)
 * @param label - what they are, for messages (e.g. `'memoryOptions'`)
 * @returns frozen options with every field set
 * @throws InvalidOptionsError on an unknown field or a wrong value
 */
export function resolveStoreOptions(options: StoreOptions | undefined, label = 'store options'): ResolvedStoreOptions {
  return resolveOptions(options, STORE_OPTION_RULES, label) as unknown as ResolvedStoreOptions;
}

/**
 * Validate RocksDB options and fill in the defaults.
 * @param options - the options (omitted: all defaults)
 * @param label - what they are, for messages
 * @returns frozen options with every field set
 * @throws InvalidOptionsError on an unknown field or a wrong value
 */
export function resolveRocksDBOptions(options: RocksDBOptions | undefined, label = 'rocksdbOptions'): ResolvedRocksDBOptions {
  return resolveOptions(options, { ...STORE_OPTION_RULES, ...ROCKSDB_RULES }, label) as unknown as ResolvedRocksDBOptions;
}

/**
 * Validate SlateDB options and fill in the defaults.
 * @param options - the options (omitted: all defaults)
 * @param label - what they are, for messages
 * @returns frozen options with every field set (`lockRenewIntervalMs` defaults to a third of `lockTtlMs`)
 * @throws InvalidOptionsError on an unknown field, a wrong value, or lease timings out of range (see `leaseTimingProblem`)
 */
export function resolveSlateDBOptions(options: SlateDBOptions | undefined, label = 'slatedbOptions'): ResolvedSlateDBOptions {
  const resolved = withPrivateObjectStoreOptions(resolveOptions(options, { ...STORE_OPTION_RULES, ...SLATEDB_RULES }, label));
  const lockTtlMs = resolved.lockTtlMs as number;
  const lockRenewIntervalMs = (resolved.lockRenewIntervalMs as number | undefined) ?? defaultLockRenewIntervalMs(lockTtlMs);
  const leaseProblem = leaseTimingProblem(lockTtlMs, lockRenewIntervalMs, `${label}.`);
  if (leaseProblem !== undefined) throw new InvalidOptionsError(`${leaseProblem}.`);
  return Object.freeze({ ...resolved, lockRenewIntervalMs }) as unknown as ResolvedSlateDBOptions;
}

/** The options with `objectStoreOptions` (the S3 client configuration, credentials) printing redacted. */
function withPrivateObjectStoreOptions(resolved: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (resolved.objectStoreOptions === undefined) return resolved;
  return Object.freeze({ ...resolved, objectStoreOptions: withRedactedPrinting(resolved.objectStoreOptions) });
}

/**
 * Validate options against rules (for backends adding their own fields to {@link StoreOptions}).
 * @param rules - per field: a check, the expected form (for messages) and the default
 * @param label - what they are, for messages
 * @returns a frozen object with every field of `rules` (fields whose default is `undefined` only when given)
 * @throws InvalidOptionsError on an unknown field or a value failing its check
 */
export function resolveOptions(
  options: object | undefined,
  rules: Readonly<Record<string, OptionRule>>,
  label: string,
): Readonly<Record<string, unknown>> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidOptionsError(`${label} must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  const given = (options ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(given)) {
    if (!Object.hasOwn(rules, field)) {
      throw new InvalidOptionsError(`Unknown field "${field}" in ${label}; the known fields are ${Object.keys(rules).join(', ')}.`);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const value = given[field];
    if (value === undefined) {
      if (rule.fallback !== undefined) resolved[field] = rule.fallback;
    } else if (!rule.check(value)) {
      const problem = rule.problem?.(value);
      throw new InvalidOptionsError(
        problem === undefined ? `${label}.${field} must be ${rule.expected}, got ${describe(value)}.` : `${label}.${field} ${problem}.`,
      );
    } else {
      resolved[field] = value;
    }
  }
  return Object.freeze(resolved);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
