/**
 * `/api/v1/series` over PromQL (`--query-url`): each chart's columns as
 * range queries against the database, built with the rules' builders. Rows
 * are the query steps that have data; a step defaults to the instance's
 * export interval (at most MAX_ROWS rows), so a chart looks as it does from
 * the in-process history.
 */
import { BLOCK_CAUSES, METRICS } from '@loopscope/agent/names';
import { COLUMN } from '@loopscope/collector/ui-columns';
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import { SERIES, type Column } from '../history/chart-series.js';
import { LABEL, PROM, sum } from '../promql/names.js';
import { eq, quantile, sel, utilization } from '../promql/builders.js';
import type { SeriesQuery } from '../api/series-query.js';
import type { SeriesView } from '../api/reader.js';
import { numberOf, type PromQueryClient, type PromSeries } from './client.js';

/** Rows per answer at most, as the in-process history keeps 900 samples per instance. */
export const MAX_ROWS = 900;

interface Ranges {
  /** Matchers of the instance. */
  readonly m: readonly string[];
  /** Rate window: several export intervals, so every step has two samples. */
  readonly rw: string;
  /** A row's own span (the step, at least two export intervals), for per-row maxima. */
  readonly span: string;
  readonly stepSec: number;
}

/** A column from one query, or one column per value of `byLabel`. */
type ColumnQuery =
  | { readonly name: string; readonly expr: (r: Ranges) => string }
  | { readonly byLabel: string; readonly expr: (r: Ranges) => string };

const p = (q: number, family: string) => (r: Ranges) => quantile(q, family, [], r.rw, ...r.m);
/**
 * A loop-delay quantile capped by the largest delay the agent saw over the
 * window, as the history clamps to the exact max: linear interpolation
 * inside a wide bucket (0.5-2.5 s) otherwise reports stalls four times longer
 * than any that happened. Without the max gauge, the quantile as it is.
 */
const loopP = (q: number) => (r: Ranges) => {
  const quant = quantile(q, PROM.eventloopDelay, [], r.rw, ...r.m);
  const max = `max(max_over_time(${sel(PROM.eventloopDelayMax, ...r.m)}[${r.rw}]))`;
  return `((${quant}) <= on() (${max})) or on() ((${max}) and on() (${quant})) or (${quant})`;
};
const maxOf = (family: string) => (r: Ranges) => quantile(1, family, [], r.rw, ...r.m);
const lastBy = (metric: string, label: string) => (r: Ranges) =>
  `sum by (${label}) (last_over_time(${sel(metric, ...r.m)}[${r.rw}]))`;
const rateOf = (metric: string) => (r: Ranges) => `sum(rate(${sel(metric, ...r.m)}[${r.rw}]))`;
const rateBy = (metric: string, label: string) => (r: Ranges) =>
  `sum by (${label}) (rate(${sel(metric, ...r.m)}[${r.rw}]))`;
const last = (metric: string) => (r: Ranges) =>
  `sum(last_over_time(${sel(metric, ...r.m)}[${r.rw}]))`;
/**
 * What a counter added since the previous row: its newest value minus the
 * newest one step earlier, exact (no extrapolation, unlike increase()), so
 * the rows add up to the counter's increase as the history's deltas do. A
 * value that went down is a restart: the new value is the increase. No value
 * a step earlier is a gap (the history, too, ignores a series' first point
 * unless it just started).
 */
const added = (metric: string) => (r: Ranges) => {
  const now = `sum(last_over_time(${sel(metric, ...r.m)}[${r.rw}]))`;
  const before = `sum(last_over_time(${sel(metric, ...r.m)}[${r.rw}] offset ${r.stepSec}s))`;
  return `((${now} - ${before}) >= 0) or ((${now}) and (${before}))`;
};

/** The PromQL of every chart the API serves, keyed like SERIES (a test checks both list the same names). */
export const SERIES_QUERIES: Readonly<Record<string, readonly ColumnQuery[]>> = {
  [METRICS.eventloopDelay.name]: [
    { name: 'p50', expr: loopP(0.5) },
    { name: 'p99', expr: loopP(0.99) },
    {
      name: 'max',
      expr: (r) => `max(max_over_time(${sel(PROM.eventloopDelayMax, ...r.m)}[${r.span}]))`,
    },
  ],
  [METRICS.eventloopUtilization.name]: [
    { name: 'utilization', expr: (r) => utilization([], r.rw, ...r.m) },
  ],
  [METRICS.threadpoolQueueDelay.name]: [
    { name: 'p50', expr: p(0.5, PROM.threadpoolQueueDelay) },
    { name: 'p99', expr: p(0.99, PROM.threadpoolQueueDelay) },
    { name: 'max', expr: maxOf(PROM.threadpoolQueueDelay) },
  ],
  [METRICS.threadpoolWait.name]: [
    { name: COLUMN.p50, expr: p(0.5, PROM.threadpoolWait) },
    { name: COLUMN.p99, expr: p(0.99, PROM.threadpoolWait) },
    { name: COLUMN.max, expr: maxOf(PROM.threadpoolWait) },
  ],
  [METRICS.threadsCpuTime.name]: [
    { byLabel: LABEL.threadName, expr: rateBy(PROM.threadsCpuTime, LABEL.threadName) },
    { name: COLUMN.limit, expr: last(PROM.cgroupCpuLimit) },
  ],
  [METRICS.eventloopBlockTime.name]: BLOCK_CAUSES.map((cause) => ({
    name: cause,
    // 0, not a gap, for a cause absent while the instance reports stall time at all (as the history does).
    expr: (r: Ranges) => {
      const all = `sum(rate(${sel(PROM.eventloopBlockTime, ...r.m)}[${r.rw}]))`;
      const one = `sum(rate(${sel(PROM.eventloopBlockTime, ...r.m, eq(LABEL.blockCause, cause))}[${r.rw}]))`;
      return `(${one}) or on() (0 * ${all})`;
    },
  })),
  [METRICS.eventloopBlocks.name]: [{ name: COLUMN.count, expr: added(PROM.eventloopBlocks) }],
  [METRICS.mainthreadCpuWait.name]: [
    { name: COLUMN.cpuWait, expr: rateOf(PROM.mainthreadCpuWait) },
    { name: COLUMN.throttled, expr: rateOf(PROM.cgroupCpuThrottledTime) },
  ],
  [METRICS.threadpoolPending.name]: [
    { byLabel: LABEL.requestType, expr: lastBy(PROM.threadpoolPending, LABEL.requestType) },
  ],
  [METRICS.resourceActive.name]: [
    { byLabel: LABEL.resourceType, expr: lastBy(PROM.resourceActive, LABEL.resourceType) },
  ],
  [METRICS.gcDuration.name]: [
    {
      name: 'total',
      // Seconds in GC per row, as the history gives seconds per export.
      expr: (r) => `sum(rate(${sel(sum(PROM.gcDuration), ...r.m)}[${r.rw}])) * ${r.stepSec}`,
    },
    { name: 'max', expr: maxOf(PROM.gcDuration) },
  ],
  [METRICS.heapUsed.name]: [
    { name: 'used', expr: last(PROM.heapUsed) },
    { name: 'limit', expr: last(PROM.heapLimit) },
  ],
};

/** Seconds as a PromQL duration. */
const dur = (sec: number): string => `${Math.max(1, Math.ceil(sec))}s`;

/** Existence and export interval of one instance; undefined when the database has not seen it in the window. */
async function probe(
  client: PromQueryClient,
  m: readonly string[],
  windowMs: number,
  nowSec: number,
): Promise<{ intervalSec: number } | undefined> {
  const seen = sel(COLLECTOR_METRICS.senderLastSeen, ...m);
  const w = dur(windowMs / 1000);
  const [exists, gap] = await Promise.all([
    client.query(`max(max_over_time(${seen}[${w}]))`, nowSec),
    client.query(
      `max((max_over_time(${seen}[${w}]) - min_over_time(${seen}[${w}])) / changes(${seen}[${w}]))`,
      nowSec,
    ),
  ]);
  if (exists.length === 0) return undefined;
  const intervalSec = numberOf(gap[0]?.value?.[1]);
  return { intervalSec: intervalSec !== null && intervalSec > 0 ? intervalSec : 10 };
}

function valuesAt(series: PromSeries | undefined): Map<number, number | null> {
  return new Map((series?.values ?? []).map(([t, v]) => [Math.round(t * 1000), numberOf(v)]));
}

/** Reads one chart of one instance; undefined for an instance the database has not seen in the window. */
export async function readSeries(
  client: PromQueryClient,
  q: SeriesQuery,
  windowMs: number,
  nowMs: number,
): Promise<SeriesView | undefined> {
  const m = [eq('job', q.job), eq('instance', q.instance)];
  const found = await probe(client, m, windowMs, nowMs / 1000);
  if (!found) return undefined;
  const spanSec = (q.toMs - q.fromMs) / 1000;
  // Rounded, not ceiled: a 1 s export scraped every 1 s shows changes about every 1.1 s.
  const stepSec = Math.max(1, Math.round(found.intervalSec), Math.ceil(spanSec / MAX_ROWS));
  const ranges: Ranges = {
    m,
    rw: dur(Math.max(4 * found.intervalSec, 2 * stepSec)),
    span: dur(Math.max(stepSec, 2 * found.intervalSec)),
    stepSec,
  };
  const startSec = Math.ceil(q.fromMs / 1000 / stepSec) * stepSec;
  const endSec = Math.floor(q.toMs / 1000);
  const columns: { name: string; values: Map<number, number | null> }[] = [];
  const byLabel: Set<string> = new Set();
  const queries = SERIES_QUERIES[q.metric] ?? [];
  // Rows are the steps at which the instance was exporting (as the history has a row per export),
  // whether or not this chart's metric was in it.
  const presence = `max(last_over_time(${sel(COLLECTOR_METRICS.senderLastSeen, ...m)}[${ranges.span}]))`;
  const [rows = [], ...answers] =
    startSec > endSec
      ? [[], ...queries.map(() => [])]
      : await Promise.all(
          [presence, ...queries.map((c) => c.expr(ranges))].map((expr) =>
            client.queryRange(expr, startSec, endSec, stepSec),
          ),
        );
  queries.forEach((c, i) => {
    const result = answers[i] ?? [];
    if ('name' in c) {
      columns.push({ name: c.name, values: valuesAt(result[0]) });
      return;
    }
    // One column per label value, biggest peak first (as the history orders them).
    const peaks = result.map((s) => ({
      name: s.metric[c.byLabel] ?? 'unknown',
      values: valuesAt(s),
      peak: Math.max(...(s.values ?? []).map(([, v]) => numberOf(v) ?? 0)),
    }));
    peaks.sort((a, b) => b.peak - a.peak || a.name.localeCompare(b.name));
    for (const col of peaks) {
      byLabel.add(col.name);
      columns.push({ name: col.name, values: col.values });
    }
  });
  const t = [...valuesAt(rows[0]).keys()].sort((a, b) => a - b);
  const series: Column[] = columns.map((c) => ({
    name: c.name,
    // A type absent at a row where others are present is 0, as the history reports it.
    values: t.map((ms) => {
      const v = c.values.get(ms) ?? null;
      if (v !== null || !byLabel.has(c.name)) return v;
      return columns.some((o) => byLabel.has(o.name) && (o.values.get(ms) ?? null) !== null)
        ? 0
        : null;
    }),
  }));
  return { unit: SERIES[q.metric]?.unit ?? '', t, series };
}
