/**
 * One column family of the memory backend: keys kept sorted bytewise in an array, found by binary
 * search, with copy-on-write snapshots so an iteration in progress never sees later writes.
 *
 * @module
 */
import { compareBytes } from '../../bytes.js';

/** Below this many changes, inserting key by key is cheaper than merging the whole family. */
const MERGE_THRESHOLD = 32;

/** A frozen view of a family's entries, as of the moment {@link SortedEntries.snapshot} was called. */
export interface EntriesSnapshot {
  /** Keys in ascending bytewise order. */
  readonly keys: readonly Uint8Array[];
  /** `values[i]` belongs to `keys[i]`. */
  readonly values: readonly Uint8Array[];
}

/**
 * A sorted key/value map over byte strings. It stores the arrays it is given; callers copy bytes
 * in and out so nobody else holds a reference to stored data.
 */
export class SortedEntries {
  #keys: Uint8Array[] = [];
  #values: Uint8Array[] = [];
  // True while a snapshot may still be reading the current arrays: the next mutation copies them
  // first, so snapshots cost nothing until somebody writes.
  #shared = false;

  /**
   * Read one key.
   * @returns the stored value, or `undefined` when absent
   */
  get(key: Uint8Array): Uint8Array | undefined {
    const index = lowerBound(this.#keys, key);
    const found = this.#keys[index];
    return found !== undefined && compareBytes(found, key) === 0 ? this.#values[index] : undefined;
  }

  /**
   * Insert or replace a key.
   * @param key - the key (stored as given)
   * @param value - the value (stored as given)
   */
  set(key: Uint8Array, value: Uint8Array): void {
    this.#ownArrays();
    const index = lowerBound(this.#keys, key);
    const found = this.#keys[index];
    if (found !== undefined && compareBytes(found, key) === 0) {
      this.#values[index] = value;
    } else {
      this.#keys.splice(index, 0, key);
      this.#values.splice(index, 0, value);
    }
  }

  /**
   * Remove a key; nothing happens when it is absent.
   */
  delete(key: Uint8Array): void {
    const index = lowerBound(this.#keys, key);
    const found = this.#keys[index];
    if (found === undefined || compareBytes(found, key) !== 0) return;
    this.#ownArrays();
    this.#keys.splice(index, 1);
    this.#values.splice(index, 1);
  }

  /**
   * Apply many puts and deletes at once: one merge pass instead of an array insertion per key, so
   * a large batch costs O(size + changes log changes).
   * @param changes - `[key, value]` pairs in batch order, `value` `undefined` for a delete; a later
   *   change of the same key wins (keys and values are stored as given)
   */
  apply(changes: readonly (readonly [Uint8Array, Uint8Array | undefined])[]): void {
    if (changes.length < MERGE_THRESHOLD) {
      for (const [key, value] of changes) {
        if (value === undefined) this.delete(key);
        else this.set(key, value);
      }
      return;
    }
    // Stable sort keeps batch order among equal keys, so the last of each run is the one that wins.
    const sorted = [...changes].sort((a, b) => compareBytes(a[0], b[0]));
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    let existing = 0;
    for (let next = 0; next < sorted.length; next++) {
      const [key, value] = sorted[next]!;
      if (next + 1 < sorted.length && compareBytes(sorted[next + 1]![0], key) === 0) continue;
      while (existing < this.#keys.length && compareBytes(this.#keys[existing]!, key) < 0) {
        keys.push(this.#keys[existing]!);
        values.push(this.#values[existing]!);
        existing++;
      }
      if (existing < this.#keys.length && compareBytes(this.#keys[existing]!, key) === 0) existing++;
      if (value !== undefined) {
        keys.push(key);
        values.push(value);
      }
    }
    for (; existing < this.#keys.length; existing++) {
      keys.push(this.#keys[existing]!);
      values.push(this.#values[existing]!);
    }
    // Fresh arrays: snapshots keep the old ones, so nothing is shared any more.
    this.#keys = keys;
    this.#values = values;
    this.#shared = false;
  }

  /**
   * Freeze the current entries for reading; later writes do not change the snapshot.
   */
  snapshot(): EntriesSnapshot {
    this.#shared = true;
    return { keys: this.#keys, values: this.#values };
  }

  #ownArrays(): void {
    if (!this.#shared) return;
    this.#keys = this.#keys.slice();
    this.#values = this.#values.slice();
    this.#shared = false;
  }
}

/**
 * Binary search in ascending keys.
 * @param keys - keys in ascending bytewise order
 * @param target - the key looked for
 * @returns the index of the first key `>= target` (`keys.length` when there is none)
 */
export function lowerBound(keys: readonly Uint8Array[], target: Uint8Array): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareBytes(keys[middle]!, target) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
