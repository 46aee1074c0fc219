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

/**
 * The text being built. Appending to one string (V8 keeps it as a rope until
 * it is written) measured faster than pushing lines and joining them.
 */
interface Out {
  s: string;
}

function header(out: Out, family: Family, openMetrics: boolean): void {
  // OpenMetrics names a counter family without its `_total` sample suffix.
  const name =
    openMetrics && family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
  out.s += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}\n`;
}

/** `le` texts of a bounds array; series of one metric share their bounds array. */
const leTexts = new WeakMap<readonly number[], string[]>();

function leOf(bounds: readonly number[]): string[] {
  let texts = leTexts.get(bounds);
  if (!texts) {
    texts = bounds.map((b) => String(b));
    leTexts.set(bounds, texts);
  }
  return texts;
}

/** `<name>_bucket{<labels>,le="`: the part of a histogram's lines that never changes. */
function bucketPrefix(name: string, labels: string): string {
  return `${name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
}

function histogramLines(
  out: Out,
  name: string,
  labels: string,
  bucket: string,
  h: HistogramState,
): void {
  const les = leOf(h.bounds);
  let cumulative = 0;
  for (let i = 0; i < les.length; i++) {
    cumulative += h.bucketCounts[i]!;
    out.s += `${bucket}${les[i]}"} ${cumulative}\n`;
  }
  out.s += `${bucket}+Inf"} ${h.count}\n${name}_sum{${labels}} ${formatValue(h.sum)}\n${name}_count{${labels}} ${h.count}\n`;
}

function withLabels(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function perInstance(out: Out, family: Family): void {
  for (const s of family.series) {
    // Labels change only when a promoted resource attribute does: keep the
    // rendered prefix on the series between scrapes.
    const senderLabels = (s.sender as SenderState).labels;
    let r = s.rendered;
    if (r?.senderLabels !== senderLabels) {
      const labels = withLabels(senderLabels, s.labels);
      const prefix = s.histogram ? bucketPrefix(family.name, labels) : `${family.name}{${labels}} `;
      r = s.rendered = { senderLabels, labels, prefix };
    }
    if (s.histogram) histogramLines(out, family.name, r.labels, r.prefix, s.histogram);
    else out.s += `${r.prefix}${formatValue(s.value)}\n`;
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
function perJob(out: Out, family: Family): void {
  if (family.type !== 'gauge') {
    for (const js of family.jobSeries) {
      const labels = withLabels(labelPair('job', js.job), js.labels);
      if (js.histogram) {
        histogramLines(out, family.name, labels, bucketPrefix(family.name, labels), js.histogram);
      } else out.s += `${family.name}{${labels}} ${formatValue(js.value)}\n`;
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
      out.s += `${family.name}{${g.labels},agg="${agg}"} ${formatValue(g[agg])}\n`;
    }
  }
}

const IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);
const TARGET_RESERVED = new Set(['job', 'instance']);

function targetInfo(out: Out, store: MetricStore, openMetrics: boolean): void {
  if (store.senderCount === 0) return;
  const name = COLLECTOR_METRICS.targetInfo;
  const family = openMetrics ? name.replace(/_info$/, '') : name;
  out.s += `# HELP ${family} Target metadata: the resource attributes of each sender.\n`;
  out.s += `# TYPE ${family} ${openMetrics ? 'info' : 'gauge'}\n`;
  for (const sender of store.senders()) {
    const attrs = Object.fromEntries(
      Object.entries(sender.attributes).filter(([k]) => !IDENTITY.has(k)),
    );
    const own = [labelPair('job', sender.job)];
    if (sender.instance !== '') own.push(labelPair('instance', sender.instance));
    out.s += `${name}{${withLabels(own.join(','), attributeLabels(attrs, TARGET_RESERVED))}} 1\n`;
  }
}

/** Render every family of the store (after expiring what is due at `now`). */
export function renderStore(store: MetricStore, openMetrics: boolean, now = Date.now()): string {
  store.expire(now);
  const out: Out = { s: '' };
  const rollup = store.options.rollup === 'job';
  for (const family of store.families.all()) {
    if (family.empty) continue;
    header(out, family, openMetrics);
    if (rollup) perJob(out, family);
    else perInstance(out, family);
  }
  targetInfo(out, store, openMetrics);
  return out.s;
}
