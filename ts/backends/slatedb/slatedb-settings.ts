/**
 * Settings of the SlateDB backend: the `settings` of {@link Backend.open}, and the defaults given to
 * `new SlateDbBackend(defaults)` (per-open settings win, field by field; SlateDB's own `settings`
 * are merged key by key). Unknown fields are ignored, so one options object serves every backend;
 * a known field with a wrong value fails with {@link BackendInvalidArgumentError}.
 *
 * @module
 */
import type { SlateDbSettings } from '../../engine/slatedb.js';
import { checkObjectStoreLocationOptions, parseObjectStoreLocation, type ObjectStoreLocationOptions } from '../../object-stores/location.js';

export { checkObjectStoreLocationOptions, parseObjectStoreLocation, withRedactedPrinting, type ObjectStoreLocationOptions, type SlateDbSettings };
import { OBJECT_STORE_METHODS, type ObjectStore } from '../../object-stores/object-store.js';
import { withRedactedPrinting } from '../../object-stores/redact.js';
import { BackendInvalidArgumentError } from '../errors.js';

/** Default {@link SlateDbBackendSettings.lockTtlMs}. */
export const DEFAULT_LOCK_TTL_MS = 10_000;

/**
 * The range of {@link SlateDbBackendSettings.lockTtlMs}: at least 1 s (a shorter lease expires
 * between two renewals of a loaded process, so it excludes nobody), at most one day (longer is
 * past what timers can schedule reliably and keeps a dead holder's partitions locked too long).
 */
export const LOCK_TTL_RANGE_MS = Object.freeze({ min: 1_000, max: 86_400_000 });

/**
 * The least {@link SlateDbBackendSettings.lockRenewIntervalMs}: renewing more often than this is
 * a stream of conditional puts for no gain.
 */
export const MIN_LOCK_RENEW_INTERVAL_MS = 100;

/**
 * @returns the default renewal interval: a third of the time to live
 */
export function defaultLockRenewIntervalMs(ttlMs: number): number {
  return ttlMs / 3;
}

/**
 * Check an `objectStore` setting without building a store: a location string is parsed, an
 * object must have every {@link ObjectStore} method.
 * @returns what is wrong, or `undefined`
 */
export function objectStoreProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    try {
      parseObjectStoreLocation(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (value === null || typeof value !== 'object') {
    return 'objectStore must be an object implementing the ObjectStore interface (put, get, head, list, delete, copy); pass e.g. new MemoryObjectStore()';
  }
  const missing = OBJECT_STORE_METHODS.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function');
  return missing.length === 0
    ? undefined
    : `objectStore is missing method(s) ${missing.join(', ')}: an ObjectStore needs ${OBJECT_STORE_METHODS.join(', ')} (see the ObjectStore interface)`;
}

/**
 * Check lease timings: `lockTtlMs` within {@link LOCK_TTL_RANGE_MS}, the renewal interval at
 * least {@link MIN_LOCK_RENEW_INTERVAL_MS} and at most half the time to live (so a renewal that
 * fails once is retried before the lease expires).
 * @param label - prefix of the field names in the message (e.g. `'slatedbOptions.'`)
 * @returns what is wrong, or `undefined` when both are fine
 */
export function leaseTimingProblem(ttlMs: unknown, renewIntervalMs: unknown, label = ''): string | undefined {
  const { min, max } = LOCK_TTL_RANGE_MS;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < min || ttlMs > max) {
    return `${label}lockTtlMs must be a number of milliseconds from ${min} (1 s) to ${max} (1 day), got ${describe(ttlMs)}`;
  }
  const most = Math.floor(ttlMs / 2);
  if (
    typeof renewIntervalMs !== 'number' ||
    !Number.isFinite(renewIntervalMs) ||
    renewIntervalMs < MIN_LOCK_RENEW_INTERVAL_MS ||
    renewIntervalMs > ttlMs / 2
  ) {
    return (
      `${label}lockRenewIntervalMs must be a number of milliseconds from ${MIN_LOCK_RENEW_INTERVAL_MS} to half of ` +
      `${label}lockTtlMs (${most}), so the lease is renewed at least twice before it expires; got ${describe(renewIntervalMs)} (default: lockTtlMs / 3)`
    );
  }
  return undefined;
}

/** Settings of the SlateDB backend; every field is optional. */
export interface SlateDbBackendSettings {
  /**
   * Where databases live: an {@link ObjectStore}, or a location string (`memory://`,
   * `memory://name`, `file:///absolute/dir`, `s3://bucket/prefix`; a location string names one store
   * per backend instance). Default: derived from each path (a file path is stored as local files at
   * that path; `memory://name/...` and `s3://bucket/...` paths name their store).
   */
  objectStore?: ObjectStore | string;
  /** Per-scheme options for location strings (`s3: { clientConfig }`, `file: { fs, fsync }`). */
  objectStoreOptions?: ObjectStoreLocationOptions;
  /**
   * The directory (or location) that paths are relative to; database keys in an explicit object
   * store are the path relative to it. The state layer passes the state directory.
   */
  root?: string;
  /**
   * A write (a state flush) resolves once it is in object storage (`true`, the default), or once
   * it is in memory (`false`: faster; a crash loses what was not yet flushed, at most SlateDB's
   * `flushInterval`, 100 ms by default, which recovery replays from the changelog).
   */
  awaitDurable?: boolean;
  /**
   * How long the exclusive lease lives without renewal, in ms: 1 000 to 86 400 000 (1 day). Default
   * 10 000. A killed process's databases can be opened elsewhere this long after it died.
   */
  lockTtlMs?: number;
  /** How often the lease is renewed, in ms: 100 to `lockTtlMs / 2`. Default `lockTtlMs / 3`. */
  lockRenewIntervalMs?: number;
  /**
   * SlateDB settings passed to the engine (see `SlateDbSettings`: `flushInterval`,
   * `l0SstSizeBytes`, `maxUnflushedBytes`, `sstBlockSize`, `compressionCodec`, `compactorOptions`, ...).
   */
  settings?: SlateDbSettings;
}

/** {@link SlateDbBackendSettings} validated, defaults filled in. */
export interface ResolvedSlateDbBackendSettings {
  readonly objectStore: ObjectStore | string | undefined;
  readonly objectStoreOptions: ObjectStoreLocationOptions;
  readonly root: string | undefined;
  readonly awaitDurable: boolean;
  readonly lockTtlMs: number;
  readonly lockRenewIntervalMs: number;
  readonly settings: SlateDbSettings | undefined;
}

/**
 * Validate settings and fill in defaults.
 * @param settings - this open's settings (win field by field)
 * @throws BackendInvalidArgumentError when a known field has a wrong value
 */
export function resolveBackendSettings(
  defaults: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): ResolvedSlateDbBackendSettings {
  for (const [what, value] of [['the backend defaults', defaults], ['settings', settings]] as const) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BackendInvalidArgumentError(`The SlateDB backend's ${what} must be an object, got ${describe(value)}.`);
    }
  }
  const pick = (field: keyof SlateDbBackendSettings): unknown => settings[field] ?? defaults[field];
  const objectStore = pick('objectStore');
  const storeProblem = objectStore === undefined ? undefined : objectStoreProblem(objectStore);
  if (storeProblem !== undefined) throw new BackendInvalidArgumentError(`objectStore: ${storeProblem}.`);
  const objectStoreOptions = pick('objectStoreOptions') ?? {};
  const wrongOptions = checkObjectStoreLocationOptions(objectStoreOptions);
  if (wrongOptions !== undefined) throw new BackendInvalidArgumentError(`objectStoreOptions ${wrongOptions}.`);
  const root = pick('root');
  if (root !== undefined && (typeof root !== 'string' || root.length === 0)) {
    throw new BackendInvalidArgumentError(`root must be a non-empty path, got ${describe(root)}.`);
  }
  const awaitDurable = pick('awaitDurable') ?? true;
  if (typeof awaitDurable !== 'boolean') {
    throw new BackendInvalidArgumentError(`awaitDurable must be true or false, got ${describe(awaitDurable)}.`);
  }
  const lockTtlMs = pick('lockTtlMs') ?? DEFAULT_LOCK_TTL_MS;
  const lockRenewIntervalMs = pick('lockRenewIntervalMs') ?? (typeof lockTtlMs === 'number' ? defaultLockRenewIntervalMs(lockTtlMs) : undefined);
  const leaseProblem = leaseTimingProblem(lockTtlMs, lockRenewIntervalMs);
  if (leaseProblem !== undefined) throw new BackendInvalidArgumentError(`${leaseProblem}.`);
  const engineSettings = mergeEngineSettings(defaults.settings, settings.settings);
  return Object.freeze({
    objectStore: objectStore as ObjectStore | string | undefined,
    objectStoreOptions: objectStoreOptions as ObjectStoreLocationOptions,
    root: root as string | undefined,
    awaitDurable,
    lockTtlMs: lockTtlMs as number,
    lockRenewIntervalMs: lockRenewIntervalMs as number,
    settings: engineSettings,
  });
}

function mergeEngineSettings(defaults: unknown, settings: unknown): SlateDbSettings | undefined {
  for (const value of [defaults, settings]) {
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new BackendInvalidArgumentError(
        `settings (SlateDB's) must be an object such as { flushInterval: 100 }, got ${describe(value)}.`,
      );
    }
  }
  if (defaults === undefined && settings === undefined) return undefined;
  return { ...(defaults as SlateDbSettings | undefined), ...(settings as SlateDbSettings | undefined) };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
