/**
 * Turns per-tick readings of the loop into one event-loop delay sample per
 * tick, in milliseconds. Pure arithmetic, so it is unit-tested with
 * synthetic readings; the reasoning and the measurements behind it are in
 * agent/README.md ("How event-loop delay is measured").
 *
 * Per tick interval (gap G between two ticks of period T):
 *   L = max(0, G - T)  lateness of our timer: a lower bound of the stall, but
 *                      off by up to T (it misses the part of a stall before
 *                      the timer was due);
 *   A = active time    G minus the time spent in the kernel poll (ELU
 *                      delta): an upper bound, equal to the stall when one
 *                      stall dominates the interval;
 *   d = iterations     loop iterations in the interval (uvMetricsInfo).
 * The agent's own collection and export time is taken out of A first.
 * When few iterations ran (d <= 8: our tick, the callback that stalled, an
 * export), the sample is A minus the typical active time of the d-1 other
 * iterations (median of recent A/d), clamped to [min(L, A), A]: an idle
 * loop gives ~0.1 ms, one stall gives its length within ~0.5 ms whatever
 * the timer's period. When many ran, A is spread over callbacks of unknown
 * sizes (a busy server, a burst of V8 GC tasks) and only L can be trusted:
 * the sample is min(L, A), off by up to T for a stall that began well
 * before the timer was due; unless the fine clock (fine-delay.ts) ran over
 * the interval: its lateness F - R (F its longest gap, R its period) is the
 * same lower bound with R for T, so the sample is F - R, short by at most R
 * (10 ms) instead of T, clamped to [min(L, A), A].
 */
import { FINE_RESOLUTION_MS } from './fine-delay.js';

export interface LoopReading {
  /** performance.now() of the tick. */
  readonly now: number;
  /** Cumulative time the loop spent outside the kernel poll, ms. */
  readonly activeMs: number;
  /** Cumulative loop iterations; undefined on Node without uvMetricsInfo. */
  readonly iterations: number | undefined;
  /** Cumulative loop time the agent itself spent (self-time.ts), ms. */
  readonly selfMs: number;
  /** Longest gap of the fine clock over the interval ending here, ms; undefined when it did not run throughout. */
  readonly fineMaxMs?: number | undefined;
}

const HISTORY = 16;
/** Above this many iterations per tick, active time is no longer one stall. */
export const MAX_ITERATIONS_FOR_ACTIVE = 8;

export class StallEstimator {
  private prev: LoopReading | undefined;
  private readonly perIteration = new Float64Array(HISTORY);
  private filled = 0;
  private next = 0;

  constructor(private readonly periodMs: number) {}

  /** The delay sample for the interval ending at `reading`; undefined for the first reading. */
  sample(reading: LoopReading): number | undefined {
    const prev = this.prev;
    this.prev = reading;
    if (!prev) return undefined;
    const gap = reading.now - prev.now;
    const lateness = Math.max(0, gap - this.periodMs);
    if (reading.iterations === undefined || prev.iterations === undefined) return lateness;
    const ours = reading.selfMs - prev.selfMs;
    const active = Math.min(gap, Math.max(0, reading.activeMs - prev.activeMs - ours));
    const iterations = Math.max(1, reading.iterations - prev.iterations);
    const typical = this.typicalIteration();
    this.remember(active / iterations);
    const floor = Math.min(lateness, active);
    if (iterations > MAX_ITERATIONS_FOR_ACTIVE) {
      const fine = reading.fineMaxMs;
      if (fine === undefined) return floor;
      return Math.min(active, Math.max(floor, fine - FINE_RESOLUTION_MS));
    }
    return Math.max(floor, active - (iterations - 1) * typical);
  }

  /** Median active time per iteration over the last intervals: robust to the stalls themselves. */
  private typicalIteration(): number {
    if (this.filled === 0) return 0;
    const sorted = this.perIteration.slice(0, this.filled).sort();
    return sorted[this.filled >> 1]!;
  }

  private remember(value: number): void {
    this.perIteration[this.next] = value;
    this.next = (this.next + 1) % HISTORY;
    if (this.filled < HISTORY) this.filled++;
  }
}
