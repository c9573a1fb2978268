// Lease test tools (ts/backends/slatedb/database-lease.ts): a clock that moves only when told, so
// expiry and renewal are tested without real sleeps, and a store whose renewals can be slowed or failed.

/**
 * @param start - its time, in ms since the epoch
 * @returns `{ now, every, timers, advance }`: `advance(ms)` fires the ticks due on the way, one at
 *   a time in order, and lets each tick's work settle (one macrotask turn) before the next; a tick's
 *   work may itself advance the clock (a slow store), which the outer advance then does not undo.
 */
export function manualClock(start = 1_700_000_000_000) {
  let now = start;
  const timers = new Set();
  return {
    now: () => now,
    every(ms, tick) {
      const timer = { ms, next: now + ms, tick };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    get timers() {
      return timers.size;
    },
    async advance(ms) {
      // Never tick synchronously inside the caller (a real timer cannot): let it reach its first await.
      await Promise.resolve();
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter((timer) => timer.next <= until).sort((a, b) => a.next - b.next)[0];
        if (due === undefined) break;
        now = Math.max(now, due.next);
        due.next += due.ms;
        due.tick();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = Math.max(now, until);
    },
  };
}

/**
 * A store over `base` whose lease renewals (compare-and-swap puts of a `.lock` object) first await
 * `renewal(n)`, n counting them from 1, and whose engine calls (anything else but head, delete and
 * copy) first await `engine()`. A hook that throws fails the call.
 */
export function leaseHookedStore(base, { renewal = async () => {}, engine = async () => {} } = {}) {
  let renewals = 0;
  const isLease = (key) => key.endsWith('/.lock');
  const engineCall = async (call) => {
    await engine();
    return call();
  };
  return {
    put: async (key, data, options) => {
      if (!isLease(key)) return engineCall(() => base.put(key, data, options));
      if (typeof options?.mode === 'object') await renewal(++renewals);
      return base.put(key, data, options);
    },
    get: (...args) => (isLease(args[0]) ? base.get(...args) : engineCall(() => base.get(...args))),
    head: (...args) => base.head(...args),
    list: (...args) => engineCall(() => base.list(...args)),
    delete: (...args) => base.delete(...args),
    copy: (...args) => base.copy(...args),
  };
}
