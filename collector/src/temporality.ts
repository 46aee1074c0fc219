/**
 * Cumulative, delta and reset handling, declared once for every reader of
 * OTLP points: the store's job rollup (store/series.ts) and the UI
 * history's per-interval histograms (history/delta.ts). A cumulative series
 * restarts (the process restarted, or the SDK reset it) when its start time
 * changes, its count goes down, its bucket bounds change, or any bucket goes
 * down; what it added since the previous point is then the point itself.
 */

/** Equal bucket bounds (the same array, or equal values). */
export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a === b || (a.length === b.length && a.every((v, i) => v === b[i]));
}

/** The previous cumulative point of a counter. */
export interface CounterState {
  readonly startTimeMs: number;
  readonly value: number;
}

/** What a cumulative counter point added since `prev` (undefined: none seen, so all of it). */
export function counterIncrease(prev: CounterState | undefined, p: CounterState): number {
  const reset = prev === undefined || p.startTimeMs !== prev.startTimeMs || p.value < prev.value;
  return reset ? p.value : p.value - prev.value;
}

/** A cumulative histogram point, or the previous one. */
export interface HistogramState {
  readonly startTimeMs: number;
  readonly bounds: readonly number[];
  readonly bucketCounts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export interface HistogramIncrease {
  readonly bucketCounts: number[];
  readonly count: number;
  readonly sum: number;
}

/**
 * What a cumulative histogram point added since `prev`; null when it is a
 * restart (or `prev` is undefined), so the caller takes the point as a fresh start.
 */
export function histogramIncrease(
  prev: HistogramState | undefined,
  p: HistogramState,
): HistogramIncrease | null {
  if (
    prev === undefined ||
    p.startTimeMs !== prev.startTimeMs ||
    p.count < prev.count ||
    !sameBounds(p.bounds, prev.bounds)
  ) {
    return null;
  }
  const bucketCounts = p.bucketCounts.map((c, i) => c - (prev.bucketCounts[i] ?? 0));
  if (bucketCounts.some((c) => c < 0)) return null;
  return { bucketCounts, count: p.count - prev.count, sum: p.sum - prev.sum };
}
