/**
 * Changelog recovery: bring each assigned store partition up to date with its changelog topic
 * partition before its data partition is processed.
 *
 * When a data partition is assigned, every store partition with a changelog gets a
 * {@link RecoveryPartition}: the changelog's watermarks are read, and the partition needs recovery
 * when the changelog has messages past the offset stored in the state (`high - 1 > stored`). A
 * stored offset at or past the changelog's end means the state belongs to another changelog (a
 * topic deleted and created again): {@link InvalidStoreChangelogOffset}.
 *
 * {@link RecoveryManager.recover} then reads each changelog partition from the stored offset (the
 * last applied message is applied again, which is idempotent) or from the beginning when nothing is
 * stored, up to the end it had at assignment, in batches; each batch is applied in one atomic write
 * together with its last offset, so a recovery cut short resumes where it stopped. The batches are
 * written without waiting for them to be durable (`{ durable: false }`: on SlateDB, no WAL write
 * waited for per batch); once a partition has reached its end, `StorePartition.sync` makes it all
 * durable, before the partition is reported recovered and its processing resumes. A crash before
 * that loses at most the last batches together with their offsets, and the next recovery replays
 * them: on SlateDB, those written since its last background WAL flush (every `flushInterval`, when
 * the event loop runs its timers) and at most those of the last
 * {@link RecoveryOptions.durableEveryMs} (a durable point every 5 s by default). A partition revoked
 * or closed part-way is made durable by its close. A message is
 * applied when the source offsets it records were committed, else skipped (its effects were never
 * committed, so the source message is processed again); see `StorePartition.recoverFromChangelogMessages`.
 *
 * Reading uses a {@link PartitionReader} at explicit offsets, outside the consumer group, so a
 * rebalance of the group does not disturb it; a partition revoked mid-recovery is simply dropped.
 *
 * @module
 */
import type { Logger } from '../logging.js';
import type { CommittedOffsets } from '../state/offsets.js';
import type { StorePartition } from '../state/partition.js';
import { InvalidStoreChangelogOffset } from '../state/errors.js';
import { OFFSET_BEGINNING } from '../state/constants.js';
import { tpKey, type KafkaAdmin, type KafkaRecord, type PartitionReader } from '../kafka/types.js';
import type { ChangelogMessage } from '../state/changelog.js';
import { checkPositive, RecoveryStuckError } from './errors.js';


// One durable point (on SlateDB, one WAL write waited for) per partition per 5 s of replay: a
// negligible cost beside the replay itself.
const DEFAULT_RECOVERY_DURABLE_EVERY_MS = 5_000;

/** Options of {@link RecoveryManager}. */
export interface RecoveryOptions {
  /** Reads changelog partitions. */
  readonly reader: PartitionReader;
  /** Reads watermarks. */
  readonly admin: KafkaAdmin;
  /** Where progress goes. */
  readonly logger: Logger;
  /** Bytes asked for per read. Default 4 MiB. */
  readonly readBytes?: number;
  /** A progress line per partition at most this often, ms. Default 5 000. */
  readonly progressIntervalMs?: number;
  /** Fail when a partition's position does not move for this long, ms. Default 60 000. */
  readonly stuckAfterMs?: number;
  /**
   * A durable point of a partition being recovered at least this often, ms (its batches are
   * written without one; see the module documentation). Bounds what a crash part-way loses to
   * about this much replay. Default 5 000.
   */
  readonly durableEveryMs?: number;
}

/** One store partition and its changelog partition, being recovered. */
export class RecoveryPartition {
  /** The changelog topic. */
  readonly changelog: string;
  /** The partition number (the same for the data, the changelog and the store). */
  readonly partition: number;
  /** The store partition recovered into. */
  readonly storePartition: StorePartition;
  /** Committed source offsets at assignment (next offset to consume), by topic. */
  readonly committedOffsets: CommittedOffsets;
  /** The changelog's low watermark at assignment. */
  readonly low: number;
  /** The changelog's end at assignment: recovery stops there. */
  readonly high: number;
  /** The offset stored in the state at assignment, or {@link OFFSET_BEGINNING}. */
  readonly initialOffset: number;
  /** Where the next read starts. */
  position: number;
  /** Messages applied. */
  applied = 0;
  /** Messages skipped (uncommitted effects). */
  skipped = 0;
  /** When the position last moved (ms). */
  movedAt = Date.now();
  /** When what was applied was last made durable (ms). */
  durableAt = Date.now();

  /**
   * @param changelog - changelog topic
   * @param storePartition - the store partition
   * @param committedOffsets - committed source offsets
   * @param low - low watermark
   * @param high - high watermark
   * @param storedOffset - the stored changelog offset, or {@link OFFSET_BEGINNING}
   */
  constructor(changelog: string, storePartition: StorePartition, committedOffsets: CommittedOffsets, low: number, high: number, storedOffset: number) {
    this.changelog = changelog;
    this.partition = storePartition.partition;
    this.storePartition = storePartition;
    this.committedOffsets = committedOffsets;
    this.low = low;
    this.high = high;
    this.initialOffset = storedOffset;
    this.position = storedOffset === OFFSET_BEGINNING ? low : Math.max(storedOffset, low);
  }

  /** True when the changelog has messages past the stored offset. */
  get needsRecovery(): boolean {
    return this.low !== this.high && this.high - 1 > this.initialOffset;
  }

  /** True when the stored offset is at or past the changelog's end. */
  get hasInvalidOffset(): boolean {
    return this.high !== 0 && this.high <= this.initialOffset;
  }

  /** True once the position reached the end it had at assignment. */
  get finished(): boolean {
    return this.position >= this.high;
  }

  /** Messages between the start and the end, an upper bound (compaction leaves gaps). */
  get total(): number {
    const start = this.initialOffset === OFFSET_BEGINNING ? this.low : Math.max(this.initialOffset, this.low);
    return Math.max(0, this.high - start);
  }

  /** @returns `changelog__g--t--s[0]` */
  describe(): string {
    return tpKey(this.changelog, this.partition);
  }
}

/** What a recovery did, per changelog partition; see {@link RecoveryManager.recover}. */
export interface RecoveryReport {
  /** `changelog[partition]`. */
  readonly changelogPartition: string;
  /** Messages applied. */
  readonly applied: number;
  /** Messages skipped. */
  readonly skipped: number;
  /** The stored offset it started from ({@link OFFSET_BEGINNING}: nothing stored). */
  readonly fromOffset: number;
  /** The end it recovered to. */
  readonly toOffset: number;
}

/** Recovers store partitions; see the module documentation. */
export class RecoveryManager {
  readonly #options: RecoveryOptions;
  readonly #partitions = new Map<number, RecoveryPartition[]>();
  readonly #completed: RecoveryReport[] = [];

  /**
   * @param options - reader, admin, logger, batch and progress settings
   * @throws ApplicationError when `progressIntervalMs`, `stuckAfterMs` or `durableEveryMs` is not a number of
   *   milliseconds (positive; `durableEveryMs` may be 0: a durable point after every batch)
   */
  constructor(options: RecoveryOptions) {
    checkPositive(options.progressIntervalMs, 'progressIntervalMs', true);
    checkPositive(options.stuckAfterMs, 'stuckAfterMs', true);
    checkPositive(options.durableEveryMs, 'durableEveryMs', true, true);
    this.#options = options;
  }

  /** True while some partition still needs recovery. */
  get pending(): boolean {
    return this.#partitions.size > 0;
  }

  /** The partitions assigned since the last call (recovered, or current already), and how; the list is emptied. */
  takeReports(): RecoveryReport[] {
    return this.#completed.splice(0);
  }

  /**
   * Register the store partitions of one assigned data partition that need recovery.
   * @param partition - the partition number
   * @param stores - each store partition with its changelog topic, and optionally the offset to
   *   replay from instead of the stored one (to apply again what was skipped under other committed offsets)
   * @param committedOffsets - committed source offsets (next offset to consume) by topic
   * @returns the offset each store partition's replay starts from ({@link OFFSET_BEGINNING}: none stored)
   * @throws InvalidStoreChangelogOffset when a stored offset is at or past its changelog's end
   */
  async assign(
    partition: number,
    stores: readonly { storePartition: StorePartition; changelog: string; fromOffset?: number }[],
    committedOffsets: CommittedOffsets,
  ): Promise<Map<StorePartition, number>> {
    const registered: RecoveryPartition[] = [];
    const starts = new Map<StorePartition, number>();
    for (const { storePartition, changelog, fromOffset } of stores) {
      const watermarks = (await this.#options.admin.watermarks(changelog, [partition])).get(partition)!;
      const stored = fromOffset ?? (await storePartition.getChangelogOffset()) ?? OFFSET_BEGINNING;
      starts.set(storePartition, stored);
      const recovery = new RecoveryPartition(changelog, storePartition, committedOffsets, watermarks.low, watermarks.high, stored);
      if (recovery.needsRecovery) {
        registered.push(recovery);
        this.#options.logger.info(
          `Recovery needed for ${recovery.describe()}: changelog offsets ${watermarks.low}..${watermarks.high - 1}, state at ${stored === OFFSET_BEGINNING ? 'none' : stored}; up to ${recovery.total} message(s) to replay. ${storePartition.logContext()}`,
        );
      } else if (recovery.hasInvalidOffset) {
        throw new InvalidStoreChangelogOffset(
          `The offset in the state store (${stored}) is greater than or equal to its changelog's highwater (${watermarks.high}) for ${recovery.describe()}: ` +
            'the state belongs to another changelog (was the topic deleted and created again?). Delete this partition\'s state (application.clearState() or remove its directory) so it is rebuilt from the changelog.',
        );
      } else {
        this.#options.logger.info(`State of ${recovery.describe()} is current (state at ${stored === OFFSET_BEGINNING ? 'none' : stored}, changelog end ${watermarks.high}): nothing to replay.`);
        this.#completed.push({ changelogPartition: recovery.describe(), applied: 0, skipped: 0, fromOffset: stored, toOffset: watermarks.high });
      }
    }
    if (registered.length > 0) this.#partitions.set(partition, [...(this.#partitions.get(partition) ?? []), ...registered]);
    return starts;
  }

  /**
   * Forget the recovery of a revoked partition (what was applied stays applied).
   * @param partition - the partition number
   */
  revoke(partition: number): void {
    const dropped = this.#partitions.get(partition);
    if (dropped === undefined) return;
    this.#partitions.delete(partition);
    for (const recovery of dropped) {
      this.#options.logger.info(`Recovery of ${recovery.describe()} stopped at offset ${recovery.position} of ${recovery.high}: the partition was revoked.`);
    }
  }

  /**
   * Recover every registered partition, round robin, one read each in turn.
   * @param interrupted - checked between reads; when it returns true, recover returns early (the
   *   caller handles a rebalance and calls again)
   * @returns true when nothing is left to recover
   * @throws RecoveryStuckError when a partition's position does not move for `stuckAfterMs`
   */
  async recover(interrupted: () => boolean = () => false): Promise<boolean> {
    const progressEvery = this.#options.progressIntervalMs ?? 5_000;
    let lastProgress = Date.now();
    while (this.#partitions.size > 0) {
      for (const [partition, recoveries] of [...this.#partitions]) {
        for (const recovery of [...recoveries]) {
          if (interrupted()) return false;
          if (!this.#partitions.get(partition)?.includes(recovery)) continue;
          await this.#step(recovery);
          if (recovery.finished) await this.#finish(partition, recovery);
        }
      }
      if (Date.now() - lastProgress >= progressEvery) {
        lastProgress = Date.now();
        for (const recoveries of this.#partitions.values()) {
          for (const recovery of recoveries) {
            const done = recovery.applied + recovery.skipped;
            this.#options.logger.info(
              `Recovering ${recovery.describe()}: ${done} of about ${recovery.total} message(s) (${recovery.total === 0 ? 100 : Math.min(100, Math.floor((done * 100) / recovery.total))}%), at offset ${recovery.position} of ${recovery.high}.`,
            );
          }
        }
      }
    }
    return true;
  }

  async #step(recovery: RecoveryPartition): Promise<void> {
    const { records, nextOffset } = await this.#options.reader.read(recovery.changelog, recovery.partition, recovery.position, {
      maxBytes: this.#options.readBytes ?? 4 * 1024 * 1024,
    });
    const wanted = records.filter((record) => record.offset < recovery.high);
    if (wanted.length > 0) {
      const outcomes = await recovery.storePartition.recoverFromChangelogMessages(wanted.map(toChangelogMessage), recovery.committedOffsets, {
        durable: false,
      });
      for (const outcome of outcomes) outcome === 'applied' ? recovery.applied++ : recovery.skipped++;
      if (Date.now() - recovery.durableAt >= (this.#options.durableEveryMs ?? DEFAULT_RECOVERY_DURABLE_EVERY_MS)) {
        await recovery.storePartition.sync();
        recovery.durableAt = Date.now();
      }
    }
    const next = Math.min(nextOffset, recovery.high);
    if (next > recovery.position) {
      recovery.position = next;
      recovery.movedAt = Date.now();
    } else if (Date.now() - recovery.movedAt > (this.#options.stuckAfterMs ?? 60_000)) {
      throw new RecoveryStuckError(
        `Recovery stuck for ${recovery.describe()}: no progress at offset ${recovery.position} (end ${recovery.high}) for ${Math.round((Date.now() - recovery.movedAt) / 1000)} s. Check the broker and that the changelog topic was not truncated.`,
      );
    }
  }

  async #finish(partition: number, recovery: RecoveryPartition): Promise<void> {
    // The one durable point of this partition's recovery: its batches were written without one.
    await recovery.storePartition.sync();
    const remaining = (this.#partitions.get(partition) ?? []).filter((entry) => entry !== recovery);
    if (remaining.length === 0) this.#partitions.delete(partition);
    else this.#partitions.set(partition, remaining);
    const report: RecoveryReport = {
      changelogPartition: recovery.describe(),
      applied: recovery.applied,
      skipped: recovery.skipped,
      fromOffset: recovery.initialOffset,
      toOffset: recovery.high,
    };
    this.#completed.push(report);
    this.#options.logger.info(
      `Recovered ${recovery.describe()}: replayed ${recovery.applied + recovery.skipped} changelog message(s) (${recovery.applied} applied, ${recovery.skipped} skipped) from offset ${recovery.initialOffset === OFFSET_BEGINNING ? 'the beginning' : recovery.initialOffset} to ${recovery.high}. ${recovery.storePartition.logContext()}`,
    );
  }
}

function toChangelogMessage(record: KafkaRecord): ChangelogMessage {
  return { key: record.key ?? new Uint8Array(0), value: record.value, headers: record.headers, offset: record.offset };
}
