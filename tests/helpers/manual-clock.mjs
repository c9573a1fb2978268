// A lease clock (ts/backends/slatedb/database-lease.ts, LeaseClock) that moves only when told, so
// lease expiry and renewal are tested without real sleeps.

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
