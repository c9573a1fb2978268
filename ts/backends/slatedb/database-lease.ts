/**
 * An exclusive, expiring lease on one SlateDB database, kept as one small object in the database's
 * object store, so it works on every {@link ObjectStore} (memory, local files, S3, your own).
 *
 * - Acquire: create the lease object with put mode `'create'` (atomic create-if-absent). When it
 *   exists and has not expired, the database is held: {@link SlateDBLockError}. When it has
 *   expired (its holder was killed or lost its connection), take it over with a compare-and-swap
 *   put on the etag that was read, so of two contenders only one wins.
 * - Renew: every `renewIntervalMs` (default a third of the time to live), compare-and-swap a new
 *   expiry onto the etag of the last write. A failed swap means somebody else replaced the lease:
 *   it is lost. A renewal that keeps failing for other reasons (the store is unreachable) loses the
 *   lease when it expires.
 * - Release: delete the lease object, after checking that it is still this holder's.
 *
 * Expiry compares wall clocks: the holder's clock writes `expiresAt`, a contender's clock reads
 * it. Clocks skewed by more than the time to live minus one renewal interval can let a contender
 * take over a live lease; SlateDB's writer fencing is then the second line of defence.
 *
 * @module
 */
import { SlateDBLockError, StreamstateError } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { ObjectStoreError, type ObjectStore } from '../../object-stores/object-store.js';
import { SlateDBLeaseLostError, SlateDBLeaseUnconfirmedError, SlateDBLeaseUnreadableError } from './errors.js';

/** What the lease object holds (JSON). */
export interface LeaseRecord {
  /** Random identity of the holding handle. */
  readonly owner: string;
  /** Who holds it, for messages (e.g. `"pid 4242"`). */
  readonly holder: string;
  /** Wall-clock time (ms since the epoch) after which a contender may take it over. */
  readonly expiresAt: number;
  /** Counts renewals, so every renewal writes different bytes (stores that derive etags from content). */
  readonly renewals: number;
}

/** Time as a lease sees it: the seam that lets tests move time without sleeping. */
export interface LeaseClock {
  /** Wall-clock time, in ms since the epoch. */
  now(): number;
  /**
   * Call `tick` every `ms` until the returned function is called; must not keep the process alive.
   * @returns stops the ticks
   */
  every(ms: number, tick: () => void): () => void;
}

/** The real clock: `Date.now` and an unref'd `setInterval`. */
export const systemLeaseClock: LeaseClock = Object.freeze({
  now: () => Date.now(),
  every: (ms: number, tick: () => void) => {
    const timer = setInterval(tick, ms);
    (timer as { unref?: () => void }).unref?.();
    return () => clearInterval(timer);
  },
});

/** What {@link DatabaseLease.acquire} needs. */
export interface LeaseRequest {
  store: ObjectStore;
  /** The lease object's key (`<database key>/.lock`). */
  key: string;
  /** The database path, for errors and log lines. */
  path: string;
  /** How long a lease lives without renewal, in ms. */
  ttlMs: number;
  /** How often it is renewed, in ms (less than `ttlMs`). */
  renewIntervalMs: number;
  /** Where takeovers and losses are logged. */
  logger: Logger;
  /** Time; default {@link systemLeaseClock}. */
  clock?: LeaseClock;
}

/**
 * Attempts of one write when the lease is unconfirmed (see `SlateDBLeaseUnconfirmedError`): an
 * open's first write and every transaction flush renew the lease and try again, this many times in all.
 */
export const LEASE_UNCONFIRMED_ATTEMPTS = 3;

/** Most rounds of create / read / take over before giving up on a lease that keeps changing hands. */
const ACQUIRE_ROUNDS = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A held lease; see the module documentation. */
export class DatabaseLease {
  readonly #request: LeaseRequest;
  readonly #owner: string;
  #etag: string;
  #expiresAt: number;
  #renewals: number;
  #lost: SlateDBLeaseLostError | undefined;
  #renewing: Promise<void> | undefined;
  /** What the last renewal did: how long it took, and its failure when it failed. */
  #lastRenewal: { tookMs: number; error?: unknown } | undefined;
  readonly #clock: LeaseClock;
  #stopTicks: (() => void) | undefined;
  #released = false;

  private constructor(request: LeaseRequest, record: LeaseRecord, etag: string) {
    this.#request = request;
    this.#clock = request.clock ?? systemLeaseClock;
    this.#owner = record.owner;
    this.#etag = etag;
    this.#expiresAt = record.expiresAt;
    this.#renewals = record.renewals;
  }

  /**
   * Take the lease, or fail at once when another holder has it.
   * @param request - where the lease lives and how long it lasts
   * @returns the held lease, renewing itself until {@link release}
   * @throws SlateDBLockError when a live lease is held by another opener (the state layer's
   *   open loop retries this with backoff)
   * @throws SlateDBLeaseUnreadableError when the lease object exists but cannot be read (damaged)
   * @throws ObjectStoreError or another store failure when the store cannot be reached
   */
  static async acquire(request: LeaseRequest): Promise<DatabaseLease> {
    const { store, key, path, ttlMs } = request;
    const clock = request.clock ?? systemLeaseClock;
    const owner = randomOwner();
    for (let round = 0; round < ACQUIRE_ROUNDS; round++) {
      const record: LeaseRecord = { owner, holder: describeHolder(), expiresAt: clock.now() + ttlMs, renewals: 0 };
      try {
        const version = await store.put(key, encodeRecord(record), { mode: 'create' });
        return DatabaseLease.#held(request, record, version.etag);
      } catch (error) {
        if (!isStoreError(error, 'AlreadyExists')) throw error;
      }
      const current = await readLease(store, key, ttlMs).catch((error: unknown) => {
        // A store failure that already says what it is (S3StoreError, ...) stays as it is; anything
        // else reading an existing lease object means the object is damaged.
        if (error instanceof StreamstateError && !(error instanceof ObjectStoreError)) throw error;
        throw new SlateDBLeaseUnreadableError(path, key, { cause: error });
      });
      if (current === undefined) continue; // released meanwhile: create again
      const { holder, expiresAt, etag } = current;
      const now = clock.now();
      if (expiresAt > now) {
        throw new SlateDBLockError(
          path,
          `The SlateDB database at "${path}" is held by another opener (${holder}; ` +
            `its lease "${key}" expires in ${Math.ceil((expiresAt - now) / 1000)}s unless renewed). ` +
            'Close the other opener, or wait for it and retry.',
        );
      }
      if (etag === undefined) {
        throw new SlateDBLockError(
          path,
          `The lease "${key}" of the SlateDB database at "${path}" has expired, but the object store gives no etag to take it over safely. ` +
            'Delete the lease object once you know its holder is gone, or use an object store with etags.',
        );
      }
      try {
        const version = await store.put(key, encodeRecord(record), { mode: { etag } });
        request.logger.warn(
          `Took over the expired lease of the SlateDB database at "${path}" (held by ${holder}, ` +
            `expired ${Math.round((now - expiresAt) / 1000)}s ago).`,
        );
        return DatabaseLease.#held(request, record, version.etag);
      } catch (error) {
        // Another contender took it over (or its holder renewed) first: read it again.
        if (!isStoreError(error, 'Precondition') && !isStoreError(error, 'NotFound')) throw error;
      }
    }
    throw new SlateDBLockError(
      path,
      `The lease "${key}" of the SlateDB database at "${path}" kept changing hands while this opener tried to take it; another opener is starting. Retry later.`,
    );
  }

  static async #held(request: LeaseRequest, record: LeaseRecord, etag: string | undefined): Promise<DatabaseLease> {
    const lease = new DatabaseLease(request, record, etag ?? (await headEtag(request)));
    lease.#startRenewing();
    return lease;
  }

  /** The lease's expiry, in ms since the epoch (as last written). */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /**
   * Make sure the lease is still held before a write: renews it at once when the periodic renewal
   * is late (less than one renewal interval left).
   * @throws SlateDBLeaseLostError when it was lost or cannot be renewed before it expires
   * @throws SlateDBLeaseUnconfirmedError when renewing it now left less than one renewal interval
   *   of it (the renewal failed, or succeeded slowly): nothing should be written; retry
   */
  async assertHeld(): Promise<void> {
    if (this.#lost !== undefined) throw this.#lost;
    if (this.#expiresAt - this.#clock.now() < this.#request.renewIntervalMs) {
      await this.#renewOnce();
      if (this.#lost !== undefined) throw this.#lost;
      // The renewal failed for a passing reason: writing now could finish after the lease expired
      // and a contender took it over, so refuse this write (the next one retries the renewal).
      const left = this.#expiresAt - this.#clock.now();
      if (left < this.#request.renewIntervalMs) {
        const last = this.#lastRenewal;
        const leftText = left > 0 ? `${Math.round(left)} ms of it are left` : 'it has expired';
        const reason =
          last?.error !== undefined
            ? `renewing it failed after ${Math.round(last.tookMs)} ms: ${String(last.error)}; ${leftText}`
            : `renewing it succeeded but took ${Math.round(last?.tookMs ?? 0)} ms, so only ${Math.max(0, Math.round(left))} ms ` +
              `of the renewed lease are left, less than one renewal interval (${Math.round(this.#request.renewIntervalMs)} ms)`;
        throw new SlateDBLeaseUnconfirmedError(this.#request.path, reason, { cause: last?.error });
      }
    }
  }

  /**
   * {@link assertHeld}, retried when the lease is unconfirmed: each attempt renews it again, at
   * most {@link LEASE_UNCONFIRMED_ATTEMPTS} attempts in all, each retry logged at warn. Nothing is
   * written before it resolves, so retrying is safe.
   * @param operation - what is about to be written, for the log lines (e.g. `'a write'`)
   * @throws SlateDBLeaseLostError when the lease was lost
   * @throws SlateDBLeaseUnconfirmedError when it is still unconfirmed after the last attempt
   */
  async assertHeldRetrying(operation: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.assertHeld();
        return;
      } catch (error) {
        if (!(error instanceof SlateDBLeaseUnconfirmedError) || attempt >= LEASE_UNCONFIRMED_ATTEMPTS) throw error;
        this.#request.logger.warn(
          `${operation} on the SlateDB database at "${this.#request.path}" was held back, the lease is unconfirmed ` +
            `(attempt ${attempt}/${LEASE_UNCONFIRMED_ATTEMPTS}); renewing it and retrying. ${error.message}`,
        );
      }
    }
  }

  /**
   * Stop renewing and delete the lease object when it is still this holder's and not about to
   * expire (when it is, it is left to expire rather than risk deleting a successor's). Idempotent;
   * store failures are logged, not thrown: the lease then expires by itself.
   */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#stopRenewing();
    await this.#renewing?.catch(() => undefined);
    if (this.#lost !== undefined || this.#expiresAt - this.#clock.now() < this.#request.renewIntervalMs) return;
    const { store, key, path, logger } = this.#request;
    try {
      const current = await store.head(key);
      if (current.etag === this.#etag) await store.delete(key);
    } catch (error) {
      if (!isStoreError(error, 'NotFound')) {
        logger.warn(`Could not release the lease of the SlateDB database at "${path}" (${String(error)}); it expires by itself.`);
      }
    }
  }

  #startRenewing(): void {
    this.#stopTicks = this.#clock.every(this.#request.renewIntervalMs, () => void this.#renewOnce());
  }

  #stopRenewing(): void {
    this.#stopTicks?.();
    this.#stopTicks = undefined;
  }

  /** One renewal at a time; concurrent callers share it. */
  #renewOnce(): Promise<void> {
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renew(): Promise<void> {
    if (this.#lost !== undefined || this.#released) return;
    const { store, key, path, ttlMs, logger } = this.#request;
    const record: LeaseRecord = {
      owner: this.#owner,
      holder: describeHolder(),
      expiresAt: this.#clock.now() + ttlMs,
      renewals: this.#renewals + 1,
    };
    const started = this.#clock.now();
    try {
      const version = await store.put(key, encodeRecord(record), { mode: { etag: this.#etag } });
      this.#etag = version.etag ?? (await headEtag(this.#request));
      this.#expiresAt = record.expiresAt;
      this.#renewals = record.renewals;
      this.#lastRenewal = { tookMs: this.#clock.now() - started };
    } catch (error) {
      this.#lastRenewal = { tookMs: this.#clock.now() - started, error };
      if (isStoreError(error, 'Precondition') || isStoreError(error, 'NotFound')) {
        this.#lose('another opener replaced or deleted the lease object', error);
      } else if (this.#clock.now() >= this.#expiresAt) {
        this.#lose(`it expired while renewals failed: ${String(error)}`, error);
      } else {
        logger.warn(`Could not renew the lease of the SlateDB database at "${path}" (${String(error)}); retrying.`);
      }
    }
  }

  #lose(reason: string, cause: unknown): void {
    this.#lost = new SlateDBLeaseLostError(this.#request.path, reason, { cause });
    this.#stopRenewing();
    this.#request.logger.error(this.#lost.message);
  }
}

/** A lease object as read by a contender. */
export interface LeaseState {
  /** Who holds it, for messages. */
  readonly holder: string;
  /** When it expires (ms since the epoch); from its last-modified time when it is unreadable. */
  readonly expiresAt: number;
  /** Its etag, for a takeover. */
  readonly etag: string | undefined;
}

/**
 * Read the lease object of a database, as a contender sees it.
 * @param ttlMs - the time to live assumed for an unreadable lease object, from its last write
 * @returns its state, or `undefined` when there is no lease object
 */
export async function readLease(store: ObjectStore, key: string, ttlMs: number): Promise<LeaseState | undefined> {
  let current;
  try {
    current = await store.get(key);
  } catch (error) {
    if (isStoreError(error, 'NotFound')) return undefined;
    throw error;
  }
  const record = decodeRecord(current.data);
  return {
    holder: record?.holder ?? 'an unreadable lease object',
    expiresAt: record?.expiresAt ?? current.meta.lastModified + ttlMs,
    etag: current.meta.etag,
  };
}

function isStoreError(error: unknown, code: ObjectStoreError['code']): boolean {
  return error instanceof ObjectStoreError ? error.code === code : (error as { code?: unknown })?.code === code;
}

async function headEtag({ store, key }: LeaseRequest): Promise<string> {
  const etag = (await store.head(key)).etag;
  if (etag === undefined) throw new TypeError(`The object store gave no etag for "${key}"; a SlateDB lease needs an object store with etags.`);
  return etag;
}

function encodeRecord(record: LeaseRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

function decodeRecord(data: Uint8Array): LeaseRecord | undefined {
  try {
    const record = JSON.parse(decoder.decode(data)) as Partial<LeaseRecord>;
    if (typeof record.owner !== 'string' || typeof record.expiresAt !== 'number') return undefined;
    return { owner: record.owner, holder: String(record.holder ?? 'unknown'), expiresAt: record.expiresAt, renewals: Number(record.renewals ?? 0) };
  } catch {
    return undefined;
  }
}

function randomOwner(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function describeHolder(): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid;
  return pid === undefined ? 'another runtime instance' : `process ${pid}`;
}
