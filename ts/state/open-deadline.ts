/**
 * `OpenDeadline`: a time limit for opening partitions during one rebalance, shared by
 * every open retry loop. Armed when an assignment starts, disarmed when it ends; while armed, an
 * open gives up retrying once the deadline has passed or the next wait would cross it.
 *
 * @module
 */

const now = (): number => performance.now();

/** A monotonic deadline that can be armed and disarmed. */
export class OpenDeadline {
  #deadline: number | undefined;

  /**
   * Set the deadline `ms` milliseconds from now.
   * @param ms - the time limit
   */
  arm(ms: number): void {
    this.#deadline = now() + ms;
  }

  /** Remove the deadline. */
  disarm(): void {
    this.#deadline = undefined;
  }

  /** @returns true when armed and the deadline has passed */
  expired(): boolean {
    return this.#deadline !== undefined && now() >= this.#deadline;
  }

  /** @returns milliseconds left (0 when passed), or `undefined` while disarmed */
  remainingMs(): number | undefined {
    return this.#deadline === undefined ? undefined : Math.max(0, this.#deadline - now());
  }
}
