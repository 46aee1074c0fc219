/** Reading decoded OTLP histograms the way Prometheus would. */
import type { DecodedMetric, HistogramPoint } from '@loopscope/collector';

/** The single point of a histogram metric without attributes (or with the given ones). */
export function histogramPoint(
  metric: DecodedMetric | undefined,
  attrs: Readonly<Record<string, string>> = {},
): HistogramPoint {
  if (!metric || metric.type !== 'histogram') throw new Error(`not a histogram: ${metric?.name}`);
  const point = metric.points.find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
  if (!point) throw new Error(`${metric.name} has no point with ${JSON.stringify(attrs)}`);
  return point;
}

/** later - earlier, bucket by bucket (both cumulative, same bounds). */
export function histogramDelta(later: HistogramPoint, earlier: HistogramPoint): HistogramPoint {
  return {
    ...later,
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
    bucketCounts: later.bucketCounts.map((c, i) => c - (earlier.bucketCounts[i] ?? 0)),
  };
}

/** histogram_quantile(): linear interpolation inside the bucket holding the q-th sample. */
export function quantile(point: HistogramPoint, q: number): number {
  const rank = q * point.count;
  let seen = 0;
  for (let i = 0; i < point.bucketCounts.length; i++) {
    const count = point.bucketCounts[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : (point.bounds[i - 1] ?? 0);
      const upper = point.bounds[i] ?? point.bounds.at(-1) ?? 0;
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return point.bounds.at(-1) ?? 0;
}

/** Index of the bucket a value falls into (upper bounds inclusive, as OTLP and Prometheus `le`). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  const i = bounds.findIndex((b) => value <= b);
  return i === -1 ? bounds.length : i;
}
