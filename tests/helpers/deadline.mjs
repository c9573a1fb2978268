// Deadlines for tests: uvu has no per-test timeout, so a test whose engine stopped (a flush, a WAL
// replay or a compaction that never finishes) would stall the whole run. Runner-agnostic: takes
// the runner's `test(name, fn)` and returns one whose tests fail once their deadline passes.

/** Default deadline of one test, in milliseconds. */
export const TEST_DEADLINE_MS = 60_000;

/**
 * Runs `fn()` and rejects with an error naming `label` if it has not settled within `ms`
 * milliseconds. The timer is cleared as soon as `fn` settles, so it never keeps the process alive.
 */
export async function withDeadline(ms, label, fn) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: did not finish within ${ms} ms (something it waits for has stopped)`)),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves like `promise`, or rejects once `ms` have passed (a hang fails the test). */
export const within = (ms, promise, what) => withDeadline(ms, what, () => promise);

/**
 * Wraps a runner's `test(name, fn)`: the returned `test(name, fn, ms = defaultMs)` registers `fn`
 * under a deadline of `ms` milliseconds.
 */
export function deadlined(test, defaultMs = TEST_DEADLINE_MS) {
  return (name, fn, ms = defaultMs) => test(name, (...args) => withDeadline(ms, `test "${name}"`, () => fn(...args)));
}
