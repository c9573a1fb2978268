// The state-layer conformance suite: the behaviour of docs/state-model.md and the spec
// (/work/shared/spec/state-layer.md §3, §4, §8, §9, §10 partition level, §12) registered into
// whatever test runner the caller uses, and run against every backend.
//
//   import { stateSuite } from './conformance/state-suite.mjs';
//   stateSuite(test, assert, async () => ({ backend: 'memory', stateDir, cleanup }));
//
// - test(name, fn): registers one async test (uvu's `test`, node:test's `test`, Deno.test, ...).
// - assert: { ok(value, message), is(actual, expected, message) (===), equal(actual, expected,
//   message) (deep) }; uvu/assert fits as is.
// - makeEnv(): { backend: 'memory' | 'rocksdb' | 'slatedb', stateDir: a fresh directory (or
//   namespace) for this test, cleanup() } for each test.
//
// Each fixed reference quirk (spec §13) in this layer has one test named "quirk N fixed: ...".
import { stateLayout } from './state-suite-layout.mjs';
import { stateTransaction } from './state-suite-transaction.mjs';
import { statePartitions } from './state-suite-partitions.mjs';
import { stateManager } from './state-suite-manager.mjs';
import { stateRecovery } from './state-suite-recovery.mjs';
import { makeScenario } from './support.mjs';

/**
 * Registers the suite.
 * @param test - (name, async fn) => void
 * @param assert - { ok, is, equal }
 * @param makeEnv - async () => ({ backend, stateDir, cleanup })
 */
export function stateSuite(test, assert, makeEnv) {
  /** Runs `fn(ctx)` with a fresh environment; managers made through ctx are closed afterwards. */
  const scenario = makeScenario(test, makeEnv, (ctx) => ({
    /** Options for the env's backend under the manager's right field (rocksdbOptions, ...). */
    backendOptions: (options) => ({ [`${ctx.env.backend}Options`]: options }),
    /** A manager with one store "default" on stream "topic", partition 0 assigned. */
    async partition(options = {}, { streamId = 'topic', storeName = 'default', partition = 0 } = {}) {
      const manager = ctx.manager(options);
      const store = manager.registerStore(streamId, storeName);
      const opened = await store.assignPartition(partition);
      return { manager, store, partition: opened };
    },
  }));

  stateLayout(test, assert, scenario);
  stateTransaction(test, assert, scenario);
  statePartitions(test, assert, scenario);
  stateManager(test, assert, scenario);
  stateRecovery(test, assert, scenario);
}
