/**
 * The store as Prometheus text exposition (format 0.0.4) or OpenMetrics
 * 1.0, following the OpenTelemetry compatibility spec: one family per
 * Prometheus name, histograms as cumulative `_bucket{le}` (+Inf last),
 * `_sum`, `_count`; `job`/`instance` labels; other resource attributes in
 * `target_info`. The caller appends the collector's own metrics (and, for
 * OpenMetrics, the closing `# EOF`).
 */
import type { MetricStore, SenderState } from '../store/store.js';
import type { Family } from '../store/families.js';
import type { HistogramState } from '../store/views.js';
import { COLLECTOR_METRICS } from '../names.js';
import { attributeLabels, labelPair } from './labels.js';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** A sample value as both formats spell it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function header(out: string[], family: Family, openMetrics: boolean): void {
  // OpenMetrics names a counter family without its `_total` sample suffix.
  const name =
    openMetrics && family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
  out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
}

function histogramLines(out: string[], name: string, labels: string, h: HistogramState): void {
  const sep = labels === '' ? '' : ',';
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.bucketCounts[i]!;
    out.push(`${name}_bucket{${labels}${sep}le="${String(h.bounds[i])}"} ${cumulative}`);
  }
  out.push(
    `${name}_bucket{${labels}${sep}le="+Inf"} ${h.count}`,
    `${name}_sum{${labels}} ${formatValue(h.sum)}`,
    `${name}_count{${labels}} ${h.count}`,
  );
}

function withLabels(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function perInstance(out: string[], family: Family): void {
  for (const s of family.series) {
    const labels = withLabels((s.sender as SenderState).labels, s.labels);
    if (s.histogram) histogramLines(out, family.name, labels, s.histogram);
    else out.push(`${family.name}{${labels}} ${formatValue(s.value)}`);
  }
}

interface GaugeRollup {
  labels: string;
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** Rollup mode: counters and histograms from the per-job accumulators, gauges folded at render time. */
function perJob(out: string[], family: Family): void {
  if (family.type !== 'gauge') {
    for (const js of family.jobSeries) {
      const labels = withLabels(labelPair('job', js.job), js.labels);
      if (js.histogram) histogramLines(out, family.name, labels, js.histogram);
      else out.push(`${family.name}{${labels}} ${formatValue(js.value)}`);
    }
    return;
  }
  const groups = new Map<string, GaugeRollup>();
  for (const s of family.series) {
    const job = s.sender.job;
    const key = `${job}\u0000${s.labels}`;
    const g = groups.get(key);
    if (g) {
      g.min = Math.min(g.min, s.value);
      g.max = Math.max(g.max, s.value);
      g.sum += s.value;
      g.count++;
    } else {
      const labels = withLabels(labelPair('job', job), s.labels);
      groups.set(key, { labels, min: s.value, max: s.value, sum: s.value, count: 1 });
    }
  }
  for (const g of groups.values()) {
    for (const agg of ['min', 'max', 'sum', 'count'] as const) {
      out.push(`${family.name}{${g.labels},agg="${agg}"} ${formatValue(g[agg])}`);
    }
  }
}

const IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);
const TARGET_RESERVED = new Set(['job', 'instance']);

function targetInfo(out: string[], store: MetricStore, openMetrics: boolean): void {
  if (store.senderCount === 0) return;
  const name = COLLECTOR_METRICS.targetInfo;
  const family = openMetrics ? name.replace(/_info$/, '') : name;
  out.push(
    `# HELP ${family} Target metadata: the resource attributes of each sender.`,
    `# TYPE ${family} ${openMetrics ? 'info' : 'gauge'}`,
  );
  for (const sender of store.senders()) {
    const attrs = Object.fromEntries(
      Object.entries(sender.attributes).filter(([k]) => !IDENTITY.has(k)),
    );
    const own = [labelPair('job', sender.job)];
    if (sender.instance !== '') own.push(labelPair('instance', sender.instance));
    out.push(`${name}{${withLabels(own.join(','), attributeLabels(attrs, TARGET_RESERVED))}} 1`);
  }
}

/** Render every family of the store (after expiring what is due at `now`). */
export function renderStore(store: MetricStore, openMetrics: boolean, now = Date.now()): string {
  store.expire(now);
  const out: string[] = [];
  const rollup = store.options.rollup === 'job';
  for (const family of store.families.all()) {
    if (family.empty) continue;
    header(out, family, openMetrics);
    if (rollup) perJob(out, family);
    else perInstance(out, family);
  }
  targetInfo(out, store, openMetrics);
  out.push('');
  return out.join('\n');
}
