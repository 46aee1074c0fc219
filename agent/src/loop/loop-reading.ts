/**
 * One reading of the loop's clocks, taken with a single timestamp so the gap
 * and the active time it is compared with refer to the same instant.
 */
import { performance } from 'node:perf_hooks';
import { selfTimeMs } from '../self-time.js';
import type { LoopReading } from './stall-estimator.js';

export interface UvMetrics {
  readonly loopCount: number;
  readonly events: number;
  readonly eventsWaiting: number;
}

/** libuv's loop counters; undefined on Node without `uvMetricsInfo` (< 20.18, 22.0-22.7). */
export const readUvMetrics = (): UvMetrics | undefined =>
  (performance.nodeTiming as { uvMetricsInfo?: UvMetrics }).uvMetricsInfo;

/** Undefined until the event loop has started (during `--import` preloading it has not). */
export function readLoop(now: number): LoopReading | undefined {
  const timing = performance.nodeTiming;
  if (timing.loopStart <= 0) return undefined;
  return {
    now,
    // What performance.eventLoopUtilization() computes, at our timestamp.
    activeMs: now - timing.loopStart - timing.idleTime,
    iterations: readUvMetrics()?.loopCount,
    selfMs: selfTimeMs(),
  };
}
