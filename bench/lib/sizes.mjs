// The state workloads' sizes, all derived from one number N (messages / events).

/** Every workload's sizes from one number N (messages / events). */
export function sizesFor(n) {
  const at = (x) => Math.max(1, Math.round(x));
  const perPrefix = Math.max(20, at(n / 200));
  return {
    n,
    rmwMessages: n,
    rmwKeys: at(n / 20),
    rmwFlushEvery: 500,
    windowEvents: n,
    windowKeys: 100,
    windowCheckpoint: 1000,
    scanPrefixes: 100,
    scanWindowsPerPrefix: perPrefix,
    scanCount: at(n / 10),
    scanWindows: Math.min(10, perPrefix),
    coldKeys: at(n / 2),
    recoveryMessages: n,
    recoveryBatch: 500,
  };
}

