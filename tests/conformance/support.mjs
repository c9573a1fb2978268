// What the state-level conformance suites (state-suite.mjs, windowed-suite.mjs,
// timestamped-suite.mjs) share: byte/text/hex converters, the `scenario` wrapper that gives each
// test a fresh environment and closes its managers, and small transaction helpers.
// Runner-agnostic like the suites: nothing here imports a test runner; `test` and `assert` come
// from the caller.
import { StateStoreManager } from 'streamstate';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `value`. */
export const bytes = (value) => encoder.encode(value);
/** UTF-8 text of `value`; undefined stays undefined. */
export const text = (value) => (value === undefined ? undefined : decoder.decode(value));
/** Lowercase hex of `value`; undefined stays undefined. */
export const hex = (value) => (value === undefined ? undefined : Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(''));
/** `n` as 16 hex digits: the hex of a big-endian u64. */
export const u64 = (n) => n.toString(16).padStart(16, '0');

/** Resolves to the error `fn()` throws (sync or async) or the rejection of a promise, failing the test when there is none. */
export async function rejection(assert, fn, message = 'expected an error') {
  try {
    await (typeof fn === 'function' ? fn() : fn);
  } catch (error) {
    return error;
  }
  assert.ok(false, `${message}: expected an error, got success`);
}

/**
 * A `contents(partition, cfName = 'default')` that lists every entry of one column family of a
 * partition as `entry(key, value, cfName)`.
 */
export const contentsAs = (entry) => async (partition, cfName = 'default') => {
  const entries = [];
  for await (const [key, value] of partition.iterItems(undefined, undefined, { cfName })) entries.push(entry(key, value, cfName));
  return entries;
};

/** Every entry of one column family of a partition, as [text key, text value]. */
export const contents = contentsAs((key, value) => [text(key), text(value)]);

/**
 * Runs `work(tx)` in one transaction on `partition`, prepares and flushes it (with
 * `changelogOffset`, if given); resolves to what `work` returned.
 */
export async function commit(partition, work, changelogOffset) {
  const tx = partition.begin();
  const result = await work(tx);
  await tx.prepare();
  await tx.flush(changelogOffset);
  return result;
}

/**
 * Makes a suite's `scenario(name, fn)`: registers test `name`, which runs `fn(ctx)` with a fresh
 * environment from `makeEnv()`; managers made through `ctx.manager(options)` are closed afterwards,
 * then the environment is cleaned up.
 * ctx is { env, manager(options) } plus what `extend(ctx)` returns (a suite's own helpers, which
 * may use ctx.env and ctx.manager).
 */
export function makeScenario(test, makeEnv, extend = () => ({})) {
  return (name, fn) =>
    test(name, async () => {
      const env = await makeEnv();
      const managers = [];
      const ctx = {
        env,
        manager: (options = {}) => {
          const manager = new StateStoreManager({ stateDir: env.stateDir, backend: env.backend, ...options });
          managers.push(manager);
          return manager;
        },
      };
      Object.assign(ctx, extend(ctx));
      try {
        await fn(ctx);
      } finally {
        for (const manager of managers) await manager.close().catch(() => undefined);
        await env.cleanup();
      }
    });
}
