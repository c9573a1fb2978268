/**
 * Offsets in the state layer: the checks on offset arguments, and the rule recovery uses to decide
 * whether a changelog message is applied or skipped.
 *
 * @module
 */
import { StateArgumentError } from './errors.js';

/** Committed source offsets by topic: the next offset to consume (`-1001` when nothing is committed). */
export type CommittedOffsets = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

/**
 * Check an offset argument.
 * @param offset - the value
 * @param name - the argument name, for the message
 * @throws StateArgumentError unless it is a non-negative safe integer
 */
export function checkOffset(offset: unknown, name: string): asserts offset is number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new StateArgumentError(`${name} must be a non-negative integer offset, got ${String(offset)}.`);
  }
}

/**
 * Whether a changelog message is applied during recovery: yes when it carries no processed offsets
 * (`null`), or when every source offset it was produced after is below the committed offset of its
 * topic, i.e. the source messages that caused it were committed. A topic with no committed offset
 * means nothing was committed there, so the message is skipped (the reference raised a key error).
 * @param processed - the message's processed offsets, `{topic: offset}`, or `null`
 * @param committed - the committed offsets by topic
 * @returns true to apply, false to skip
 */
export function isChangelogMessageCommitted(processed: Readonly<Record<string, number>> | null, committed: CommittedOffsets): boolean {
  if (processed === null) return true;
  const committedOffset = (topic: string): number | undefined =>
    committed instanceof Map
      ? committed.get(topic)
      : Object.hasOwn(committed, topic)
        ? (committed as Readonly<Record<string, number>>)[topic]
        : undefined;
  for (const [topic, offset] of Object.entries(processed)) {
    const committedHere = committedOffset(topic);
    if (committedHere === undefined || !(offset < committedHere)) return false;
  }
  return true;
}
