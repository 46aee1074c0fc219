import { ATTR, METRICS } from '@loopscope/agent/names';
import type { Attributes, DecodedMetric, HistogramPoint } from '../otlp/model.js';
import type { HistogramDelta, HistogramDeltas } from './delta.js';
import { mergeBuckets, quantile, upperBound, type Buckets } from './quantile.js';

/** p50/p99/max of one interval of a delay histogram, in seconds. */
export interface DelayStats {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly count: number;
}

/**
 * Everything the charts need from one export of one instance. Values keep the
 * metric's own unit (seconds, bytes, ratio 0..1, counts); null = not reported.
 */
export interface Sample {
  /** Collector receive time, ms since the epoch: one clock for every sender. */
  readonly t: number;
  readonly loopDelay: DelayStats | null;
  readonly utilization: number | null;
  readonly poolDelay: DelayStats | null;
  readonly pending: Readonly<Record<string, number>> | null;
  readonly resources: Readonly<Record<string, number>> | null;
  /** Seconds spent in GC pauses during the interval, and the longest pause. */
  readonly gc: { readonly total: number; readonly max: number | null } | null;
  readonly heapUsed: number | null;
  readonly heapLimit: number | null;
}

const byName = (metrics: readonly DecodedMetric[]) => new Map(metrics.map((m) => [m.name, m]));

function lastGauge(metric: DecodedMetric | undefined): number | null {
  if (!metric || metric.type === 'histogram') return null;
  return metric.points.at(-1)?.value ?? null;
}

/**
 * Attribute values kept per sample; the rest are summed into OTHER. A sender
 * reporting 2,000 resource types made each sample ~200 KB instead of ~0.4 KB.
 */
export const MAX_VALUES_PER_SAMPLE = 20;
/** Bucket for the values beyond MAX_VALUES_PER_SAMPLE (parenthesised: no real type looks like it). */
export const OTHER = '(other)';

/**
 * Sums a gauge by one attribute's value, the largest MAX_VALUES_PER_SAMPLE
 * values kept. Values are user data: accumulated in a Map and returned as a
 * null-prototype record, so `constructor` or `__proto__` are ordinary names.
 */
function gaugeByAttr(
  metric: DecodedMetric | undefined,
  attr: string,
): Record<string, number> | null {
  if (!metric || metric.type === 'histogram') return null;
  const sums = new Map<string, number>();
  for (const p of metric.points) {
    const key = String(p.attributes[attr] ?? 'unknown');
    sums.set(key, (sums.get(key) ?? 0) + p.value);
  }
  let entries = [...sums];
  if (entries.length > MAX_VALUES_PER_SAMPLE) {
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const rest = entries.slice(MAX_VALUES_PER_SAMPLE - 1).reduce((a, [, v]) => a + v, 0);
    entries = entries.slice(0, MAX_VALUES_PER_SAMPLE - 1);
    entries.push([OTHER, rest]);
  }
  const out = Object.create(null) as Record<string, number>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

function seriesKey(name: string, attributes: Attributes): string {
  const attrs = Object.keys(attributes)
    .sort()
    .map((k) => `${k}=${String(attributes[k])}`);
  return [name, ...attrs].join('\u0000');
}

function deltas(metric: DecodedMetric | undefined, state: HistogramDeltas): HistogramDelta[] {
  if (!metric || metric.type !== 'histogram') return [];
  const cumulative = metric.temporality === 'cumulative';
  return metric.points
    .map((p: HistogramPoint) => state.delta(seriesKey(metric.name, p.attributes), p, cumulative))
    .filter((d): d is HistogramDelta => d !== null && d.count > 0);
}

/** The interval's maximum: exact when known, else the histogram's bound capped by the cumulative max. */
function intervalMax(d: HistogramDelta): number | null {
  if (d.max !== undefined) return d.max;
  const bound = upperBound(d);
  if (bound === null) return d.maxAtMost ?? null;
  return d.maxAtMost === undefined ? bound : Math.min(bound, d.maxAtMost);
}

function delayStats(parts: readonly HistogramDelta[]): DelayStats | null {
  const merged = mergeBuckets(parts);
  if (!merged) return null;
  const maxes = parts.map(intervalMax).filter((m): m is number => m !== null);
  const max = maxes.length ? Math.max(...maxes) : null;
  const clamped = { ...merged, max: max ?? undefined };
  return {
    p50: quantile(0.5, clamped),
    p99: quantile(0.99, clamped),
    max,
    count: parts.reduce((a, p) => a + p.count, 0),
  };
}

/**
 * Derives one Sample from one export of one instance, and the interval's
 * loop-delay histogram (kept apart, for a short while, so a window's p99 can
 * be computed exactly).
 */
export function deriveSample(
  t: number,
  metrics: readonly DecodedMetric[],
  state: HistogramDeltas,
): { sample: Sample; loopBuckets: Buckets | null } {
  const m = byName(metrics);
  const loop = deltas(m.get(METRICS.eventloopDelay.name), state);
  const loopBuckets = mergeBuckets(loop);
  const gcMetric = m.get(METRICS.gcDuration.name);
  const gc = deltas(gcMetric, state);
  const sample: Sample = {
    t,
    loopDelay: delayStats(loop),
    utilization: lastGauge(m.get(METRICS.eventloopUtilization.name)),
    poolDelay: delayStats(deltas(m.get(METRICS.threadpoolQueueDelay.name), state)),
    pending: gaugeByAttr(m.get(METRICS.threadpoolPending.name), ATTR.requestType),
    resources: gaugeByAttr(m.get(METRICS.resourceActive.name), ATTR.resourceType),
    // An interval without collections is a zero, not a gap, once the sender reports GC at all.
    gc: gcMetric
      ? { total: gc.reduce((a, d) => a + d.sum, 0), max: delayStats(gc)?.max ?? null }
      : null,
    heapUsed: lastGauge(m.get(METRICS.heapUsed.name)),
    heapLimit: lastGauge(m.get(METRICS.heapLimit.name)),
  };
  return {
    sample,
    loopBuckets: loopBuckets && { bounds: loopBuckets.bounds, counts: loopBuckets.counts },
  };
}
