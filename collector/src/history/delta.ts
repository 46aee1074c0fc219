import type { HistogramPoint, NumberPoint } from '../otlp/model.js';
import type { Buckets } from './quantile.js';
import { histogramIncrease, type HistogramState } from '../temporality.js';

interface Seen extends HistogramState {
  readonly timeMs: number;
  readonly max: number | undefined;
}

/** What one export interval added to a histogram. */
export interface HistogramDelta extends Buckets {
  readonly count: number;
  readonly sum: number;
  /** When `max` is unknown: the cumulative max, which bounds this interval's max from above. */
  readonly maxAtMost?: number | undefined;
}

/** What one export interval added to a counter: the amount, and per second. */
export interface CounterDelta {
  readonly delta: number;
  readonly rate: number;
}

/**
 * A cumulative series seen for the first time is only trusted as one
 * interval's worth if it started this recently; otherwise it is history from
 * before the collector started and would swamp the chart.
 */
const FIRST_POINT_MAX_AGE_MS = 60_000;

/**
 * Turns the histogram points of one sender into per-interval deltas. Delta
 * temporality passes through; cumulative points are differenced against the
 * previous point of the same series, with restarts (temporality.ts) taken
 * as a fresh start.
 */
export class HistogramDeltas {
  private readonly seen = new Map<string, Seen>();
  private readonly counters = new Map<string, NumberPoint>();

  /**
   * What one export interval added to a monotonic counter, and that per
   * second of the interval; null for a point that says nothing new (history
   * from before the collector started, or no time passed).
   */
  counter(key: string, point: NumberPoint, cumulative: boolean): CounterDelta | null {
    const perSecond = (delta: number, ms: number) =>
      ms > 0 ? { delta, rate: delta / (ms / 1000) } : null;
    if (!cumulative) return perSecond(point.value, point.timeMs - point.startTimeMs);
    const prev = this.counters.get(key);
    this.counters.set(key, point);
    if (prev === undefined || prev.startTimeMs !== point.startTimeMs || point.value < prev.value) {
      const age = point.timeMs - point.startTimeMs;
      return age <= FIRST_POINT_MAX_AGE_MS ? perSecond(point.value, age) : null;
    }
    return perSecond(point.value - prev.value, point.timeMs - prev.timeMs);
  }

  delta(key: string, point: HistogramPoint, cumulative: boolean): HistogramDelta | null {
    if (!cumulative) {
      return { ...bucketsOf(point), count: point.count, sum: point.sum };
    }
    const prev = this.seen.get(key);
    this.seen.set(key, {
      startTimeMs: point.startTimeMs,
      timeMs: point.timeMs,
      count: point.count,
      sum: point.sum,
      bounds: point.bounds,
      bucketCounts: point.bucketCounts,
      max: point.max,
    });
    const inc = histogramIncrease(prev, point);
    if (prev === undefined || inc === null) {
      const fresh = point.timeMs - point.startTimeMs <= FIRST_POINT_MAX_AGE_MS;
      return fresh ? { ...bucketsOf(point), count: point.count, sum: point.sum } : null;
    }
    if (point.timeMs <= prev.timeMs) return null;
    return {
      bounds: point.bounds,
      counts: inc.bucketCounts,
      count: inc.count,
      sum: inc.sum,
      // A cumulative max that rose was set in this interval; one that did not only bounds it.
      max:
        point.max !== undefined && prev.max !== undefined && point.max > prev.max
          ? point.max
          : undefined,
      maxAtMost: point.max,
    };
  }
}

function bucketsOf(point: HistogramPoint): Buckets {
  return { bounds: point.bounds, counts: point.bucketCounts, min: point.min, max: point.max };
}
