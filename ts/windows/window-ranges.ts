/**
 * Which time windows an event belongs to: windows of `durationMs` starting every
 * `stepMs` (tumbling: step = duration), aligned to the epoch, never starting before 0.
 *
 * @module
 */

/**
 * @param timestampMs - the event time
 * @param durationMs - window length
 * @param stepMs - distance between window starts
 * @returns `[start, end]` of every window containing the timestamp, ascending by start
 */
export function timeWindowRanges(timestampMs: number, durationMs: number, stepMs: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = timestampMs - (timestampMs % stepMs); start > timestampMs - durationMs && start >= 0; start -= stepMs) {
    ranges.push([start, start + durationMs]);
  }
  return ranges.reverse();
}
