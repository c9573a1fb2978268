/**
 * Errors of the application layer.
 *
 * @module
 */
import { StreamstateError } from '../errors.js';

/** An existing changelog topic does not match what its store needs (e.g. another partition count). */
export class TopicConfigurationMismatch extends StreamstateError {
  /** @param message - which topic, what differs, what to do */
  constructor(message: string) {
    super('TOPIC_CONFIGURATION_MISMATCH', message);
  }
}

/** A topic the application consumes does not exist (and topics are not created automatically). */
export class TopicNotFoundError extends StreamstateError {
  /** @param message - which topic and what to do */
  constructor(message: string) {
    super('TOPIC_NOT_FOUND', message);
  }
}

/** Recovery made no progress on a changelog partition for too long. */
export class RecoveryStuckError extends StreamstateError {
  /** @param message - which partition, where it stopped, what to check */
  constructor(message: string) {
    super('RECOVERY_STUCK', message);
  }
}

/** The application was configured wrongly, or used in a way its state does not allow. */
export class ApplicationError extends StreamstateError {
  /**
   * @param message - what is wrong and what to do
   * @param options - `cause`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('APPLICATION_ERROR', message, options);
  }
}

/**
 * Refuses a numeric option that is given and is not a positive (or, with `allowZero`, non-negative)
 * finite number, or not a whole number when `allowFraction` is false.
 * @throws ApplicationError naming the option and the value given
 */
export function checkPositive(value: number | undefined, name: string, allowFraction: boolean, allowZero = false): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (allowFraction || Number.isInteger(value));
  if (!ok) throw new ApplicationError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} ${allowFraction ? 'number' : 'integer'}, got ${String(value)}.`);
}
