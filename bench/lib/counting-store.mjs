// An ObjectStore wrapper that counts each method's calls, the milliseconds spent in them (summed:
// concurrent calls overlap) and the bytes read (`get`) or written (`put`). For the benchmarks.

/**
 * @param inner - the ObjectStore to wrap
 * @returns `{ inner, proxy, take }`: the wrapped store, the counting store, and a function returning the counts so far
 *   (`{ method: { calls, ms, bytes } }`) and resetting them
 */
export function countingStore(inner) {
  const stats = {};
  const proxy = new Proxy(inner, {
    get(target, property) {
      const value = target[property];
      if (typeof value !== 'function') return value;
      return async (...args) => {
        const entry = (stats[property] ??= { calls: 0, ms: 0, bytes: 0 });
        entry.calls++;
        if (property === 'put' && args[1] instanceof Uint8Array) entry.bytes += args[1].length;
        const started = performance.now();
        try {
          const result = await value.apply(target, args);
          if (result?.data instanceof Uint8Array) entry.bytes += result.data.length;
          return result;
        } finally {
          entry.ms += performance.now() - started;
        }
      };
    },
  });
  return { inner, proxy, take: () => Object.fromEntries(Object.entries(stats).map(([k, v]) => (delete stats[k], [k, v]))) };
}
