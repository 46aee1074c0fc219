/**
 * One stored series and how a point changes it. The rules, for a series of
 * one sender:
 * - gauges and non-monotonic cumulative sums: the newest point replaces;
 * - cumulative counters and histograms: the newest point replaces; a
 *   changed start time, a decrease or changed bucket bounds is a reset;
 * - delta points add up into a cumulative value; a point overlapping the
 *   time already accumulated is a duplicate and is dropped;
 * - a point older than the stored one is dropped (out_of_order).
 * In `--rollup job` mode each counter and histogram series also feeds a
 * per-job accumulator with its increase, so the job total keeps growing
 * when instances restart or expire.
 */
import type { Attributes, HistogramPoint, NumberPoint, Temporality } from '../otlp/model.js';
import type { DropReason } from '../self-metric-names.js';
import { counterIncrease, histogramIncrease, sameBounds } from '../temporality.js';
import type { Family } from './families.js';
import type { HistogramState, SenderView, SeriesView } from './views.js';

export interface MutableHistogram extends HistogramState {
  bounds: readonly number[];
  bucketCounts: number[];
  count: number;
  sum: number;
}

/** A per-job accumulator (rollup mode) of one counter or histogram. */
export class JobSeries {
  value = 0;
  histogram: MutableHistogram | undefined;
  constructor(
    readonly family: Family,
    readonly job: string,
    /** Rendered point-attribute labels. */
    readonly labels: string,
  ) {}
}

export class Series implements SeriesView {
  startTimeMs = 0;
  timeMs = 0;
  receivedAtMs = 0;
  value = 0;
  temporality: Temporality | undefined;
  histogram: MutableHistogram | undefined;
  rollup: JobSeries | undefined;
  constructor(
    readonly sender: SenderView,
    readonly family: Family,
    readonly metric: string,
    readonly unit: string,
    readonly attributes: Attributes,
    /** The series' key within its sender and family (StoreNaming.seriesKey; Prometheus: label text). */
    readonly labels: string,
  ) {}

  /** True until the first point is stored. */
  get fresh(): boolean {
    return this.receivedAtMs === 0;
  }
}

function setTimes(
  s: Series,
  p: NumberPoint | HistogramPoint,
  t: Temporality | undefined,
  now: number,
): void {
  s.startTimeMs = p.startTimeMs;
  s.timeMs = p.timeMs;
  s.temporality = t;
  s.receivedAtMs = now;
}

/** A delta point that does not start after what is already accumulated was counted before. */
function deltaOverlaps(s: Series, p: NumberPoint | HistogramPoint): boolean {
  return p.timeMs <= s.timeMs || (p.startTimeMs > 0 && p.startTimeMs < s.timeMs);
}

export function applyNumber(
  s: Series,
  p: NumberPoint,
  temporality: Temporality | undefined,
  monotonic: boolean,
  now: number,
): DropReason | undefined {
  const fresh = s.fresh;
  if (temporality === 'delta') {
    if (!fresh && s.temporality === 'delta' && deltaOverlaps(s, p)) return 'out_of_order';
    const restart = fresh || s.temporality !== 'delta';
    const start = restart ? p.startTimeMs : s.startTimeMs;
    s.value = restart ? p.value : s.value + p.value;
    if (monotonic && s.rollup) s.rollup.value += p.value;
    setTimes(s, p, temporality, now);
    s.startTimeMs = start;
    return undefined;
  }
  if (!fresh && p.timeMs < s.timeMs) return 'out_of_order';
  if (monotonic && s.rollup) {
    const known = fresh || s.temporality !== temporality ? undefined : s;
    s.rollup.value += counterIncrease(known, p);
  }
  s.value = p.value;
  setTimes(s, p, temporality, now);
  return undefined;
}

// Series of one metric share one bounds array: less memory, and the
// exposition formats each array's `le` texts once.
const interned = new Map<string, readonly number[]>();
const INTERNED_LIMIT = 1000;

function internBounds(bounds: readonly number[]): readonly number[] {
  const key = bounds.join(',');
  let shared = interned.get(key);
  if (!shared) {
    if (interned.size >= INTERNED_LIMIT) interned.clear();
    shared = bounds;
    interned.set(key, shared);
  }
  return shared;
}

/** Adds `inc` (same bounds) into the job accumulator, adopting the bounds of the first point. */
function addToJob(
  job: JobSeries,
  bounds: readonly number[],
  inc: Pick<HistogramState, 'bucketCounts' | 'count' | 'sum'>,
): void {
  const h = job.histogram;
  if (!h) {
    job.histogram = {
      bounds,
      bucketCounts: inc.bucketCounts.slice(),
      count: inc.count,
      sum: inc.sum,
    };
    return;
  }
  for (let i = 0; i < h.bucketCounts.length; i++) h.bucketCounts[i]! += inc.bucketCounts[i]!;
  h.count += inc.count;
  h.sum += inc.sum;
}

export function applyHistogram(
  s: Series,
  p: HistogramPoint,
  temporality: Temporality,
  now: number,
): DropReason | undefined {
  const fresh = s.fresh;
  const h = s.histogram;
  const bounds = h && sameBounds(h.bounds, p.bounds) ? h.bounds : internBounds(p.bounds);
  // Rollup sums buckets across instances, which needs one set of bounds per job series.
  const jobBounds = s.rollup?.histogram?.bounds;
  if (jobBounds && !sameBounds(jobBounds, p.bounds)) return 'type_conflict';

  if (temporality === 'delta') {
    if (!fresh && s.temporality === 'delta' && deltaOverlaps(s, p)) return 'out_of_order';
    const restart = !h || s.temporality !== 'delta' || bounds !== h.bounds;
    if (restart) {
      s.histogram = { bounds, bucketCounts: p.bucketCounts.slice(), count: p.count, sum: p.sum };
      setTimes(s, p, temporality, now);
    } else {
      for (let i = 0; i < h.bucketCounts.length; i++) h.bucketCounts[i]! += p.bucketCounts[i]!;
      h.count += p.count;
      h.sum += p.sum;
      const start = s.startTimeMs;
      setTimes(s, p, temporality, now);
      s.startTimeMs = start;
    }
    if (s.rollup) addToJob(s.rollup, bounds, p);
    s.value = s.histogram!.count;
    return undefined;
  }

  if (!fresh && p.timeMs < s.timeMs) return 'out_of_order';
  if (s.rollup) {
    const known =
      h && s.temporality === temporality ? { ...h, startTimeMs: s.startTimeMs } : undefined;
    const inc = histogramIncrease(known, p) ?? p;
    addToJob(s.rollup, bounds, inc);
  }
  s.histogram = { bounds, bucketCounts: p.bucketCounts.slice(), count: p.count, sum: p.sum };
  s.value = p.count;
  setTimes(s, p, temporality, now);
  return undefined;
}
