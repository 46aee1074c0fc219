import { ATTR, BLOCK_CAUSES, METRICS, type BlockCause } from '@loopscope/agent/names';
import type { Attributes, DecodedMetric, HistogramPoint } from '../otlp/model.js';
import type { CounterDelta, HistogramDelta, HistogramDeltas } from './delta.js';
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
  /** Round trip of the pool probe (pool wait plus the loop's delay). */
  readonly poolDelay: DelayStats | null;
  /** The probe's pool wait alone: the pool queue signal. */
  readonly poolWait: DelayStats | null;
  readonly pending: Readonly<Record<string, number>> | null;
  readonly resources: Readonly<Record<string, number>> | null;
  /** Seconds spent in GC pauses during the interval, and the longest pause. */
  readonly gc: { readonly total: number; readonly max: number | null } | null;
  readonly heapUsed: number | null;
  readonly heapLimit: number | null;
  /** Stall time per second by cause (loopscope.block.cause), and the interval's cpu_starved seconds. */
  readonly stall: {
    readonly rate: Readonly<Record<string, number>>;
    readonly starvedSeconds: number;
  } | null;
  /**
   * Stalls over the block threshold the agent counted in the interval
   * (loopscope.eventloop.blocks): every stall, captured or not.
   */
  readonly blocks: number | null;
  /** Main thread's run-queue wait, seconds per second. */
  readonly cpuWait: number | null;
  /** Share of the interval the cgroup was throttled (seconds per second). */
  readonly throttled: number | null;
  /** The cgroup's CPU limit in CPUs, when a quota is set. */
  readonly cpuLimit: number | null;
  /** CPUs used by the threads other than the main thread, by thread name. */
  readonly threadsCpu: Readonly<Record<string, number>> | null;
}

type AttrValue = Attributes[string] | undefined;

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
  return capped(metric.points.map((p) => [p.attributes[attr], p.value]));
}

/** Sums values by key (undefined = 'unknown'), the largest MAX_VALUES_PER_SAMPLE kept, the rest in OTHER. */
function capped(pairs: readonly (readonly [AttrValue, number])[]): Record<string, number> {
  const sums = new Map<string, number>();
  for (const [k, value] of pairs) {
    const key = String(k ?? 'unknown');
    sums.set(key, (sums.get(key) ?? 0) + value);
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

/** Interval deltas of a monotonic counter's points, with each point's attribute `attr`. */
function counterDeltas(
  metric: DecodedMetric | undefined,
  state: HistogramDeltas,
  attr?: string,
): { readonly key: AttrValue; readonly d: CounterDelta }[] | null {
  if (!metric || metric.type !== 'sum') return null;
  const cumulative = metric.temporality === 'cumulative';
  return metric.points.flatMap((p) => {
    const d = state.counter(seriesKey(metric.name, p.attributes), p, cumulative);
    return d ? [{ key: attr === undefined ? '' : p.attributes[attr], d }] : [];
  });
}

/** Summed rate of a counter; null when not reported or nothing new. */
function rateOf(metric: DecodedMetric | undefined, state: HistogramDeltas): number | null {
  const parts = counterDeltas(metric, state);
  return parts && parts.length ? parts.reduce((a, { d }) => a + d.rate, 0) : null;
}

/** Summed amount a counter added in the interval; null when not reported or nothing new. */
function increaseOf(metric: DecodedMetric | undefined, state: HistogramDeltas): number | null {
  const parts = counterDeltas(metric, state);
  return parts && parts.length ? parts.reduce((a, { d }) => a + d.delta, 0) : null;
}

/** Stall time per second by cause, every cause present (0 when none of it this interval). */
function stallOf(metric: DecodedMetric | undefined, state: HistogramDeltas): Sample['stall'] {
  const parts = counterDeltas(metric, state, ATTR.blockCause);
  if (!parts || parts.length === 0) return null;
  const rate = Object.create(null) as Record<string, number>;
  for (const cause of BLOCK_CAUSES) rate[cause] = 0;
  const starved: BlockCause = 'cpu_starved';
  let starvedSeconds = 0;
  // Causes outside BLOCK_CAUSES come from a newer or foreign sender: left out, not made keys.
  for (const { key, d } of parts) {
    if (!(BLOCK_CAUSES as readonly unknown[]).includes(key)) continue;
    const cause = key as string;
    rate[cause] = (rate[cause] ?? 0) + d.rate;
    if (cause === starved) starvedSeconds += d.delta;
  }
  return { rate, starvedSeconds };
}

/** CPUs used per thread name (thread names come from the process: capped like attribute values). */
function threadsCpuOf(
  metric: DecodedMetric | undefined,
  state: HistogramDeltas,
): Record<string, number> | null {
  const parts = counterDeltas(metric, state, ATTR.threadName);
  return parts && parts.length ? capped(parts.map(({ key, d }) => [key, d.rate])) : null;
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
    poolWait: delayStats(deltas(m.get(METRICS.threadpoolWait.name), state)),
    stall: stallOf(m.get(METRICS.eventloopBlockTime.name), state),
    blocks: increaseOf(m.get(METRICS.eventloopBlocks.name), state),
    cpuWait: rateOf(m.get(METRICS.mainthreadCpuWait.name), state),
    throttled: rateOf(m.get(METRICS.cgroupCpuThrottledTime.name), state),
    cpuLimit: lastGauge(m.get(METRICS.cgroupCpuLimit.name)),
    threadsCpu: threadsCpuOf(m.get(METRICS.threadsCpuTime.name), state),
  };
  return {
    sample,
    loopBuckets: loopBuckets && { bounds: loopBuckets.bounds, counts: loopBuckets.counts },
  };
}
