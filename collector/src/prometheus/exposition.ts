/**
 * The store as Prometheus text exposition (format 0.0.4) or OpenMetrics
 * 1.0, following the OpenTelemetry compatibility spec: one family per
 * Prometheus name, histograms as cumulative `_bucket{le}` (+Inf last),
 * `_sum`, `_count`; `job`/`instance` labels; other resource attributes in
 * `target_info`. The caller appends the collector's own metrics (and, for
 * OpenMetrics, the closing `# EOF`).
 */
import type { MetricStore } from '../store/store.js';
import type { Family } from '../store/families.js';
import type { SeriesView } from '../store/views.js';
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import { labelPair } from './labels.js';
import { seriesLabels, seriesSamples, targetInfoLabels, type SampleSink } from './samples.js';
import { senderLabels } from './sender-labels.js';

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

/** Appends each sample as a text line. */
function textSink(out: Out): SampleSink {
  return (name, labels, value, le) => {
    if (le === undefined) out.s += `${name}{${labels}} ${formatValue(value)}\n`;
    else out.s += `${name}{${labels}${labels === '' ? '' : ','}le="${le}"} ${formatValue(value)}\n`;
  };
}

function withLabels(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

/** A series' full label text, and the sender labels (and attributes) it was built with. */
interface RenderedLabels {
  /** The sender's attributes object when last checked: unchanged object, unchanged labels. */
  attributes: SeriesView['sender']['attributes'];
  readonly senderLabels: string;
  readonly labels: string;
}

/**
 * Labels change only when a promoted resource attribute does: the joined
 * label text of each series is kept between scrapes (the exposition's
 * cache, not the store's; a removed series' entry goes with it).
 */
const rendered = new WeakMap<SeriesView, RenderedLabels>();

function perInstance(out: Out, family: Family, promote: readonly string[]): void {
  const emit = textSink(out);
  for (const s of family.series) {
    let r = rendered.get(s);
    // Each export replaces the sender's attributes object; until then, one lookup per series.
    if (r?.attributes !== s.sender.attributes) {
      const own = senderLabels(s.sender, promote);
      if (r?.senderLabels === own) r.attributes = s.sender.attributes;
      else {
        r = {
          attributes: s.sender.attributes,
          senderLabels: own,
          labels: seriesLabels(own, s.labels),
        };
        rendered.set(s, r);
      }
    }
    seriesSamples(family.name, r.labels, s, emit);
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
  const emit = textSink(out);
  if (family.type !== 'gauge') {
    for (const js of family.jobSeries) {
      seriesSamples(family.name, withLabels(labelPair('job', js.job), js.labels), js, emit);
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

function targetInfo(out: Out, store: MetricStore, openMetrics: boolean): void {
  if (store.senderCount === 0) return;
  const name = COLLECTOR_METRICS.targetInfo;
  const family = openMetrics ? name.replace(/_info$/, '') : name;
  out.s += `# HELP ${family} Target metadata: the resource attributes of each sender.\n`;
  out.s += `# TYPE ${family} ${openMetrics ? 'info' : 'gauge'}\n`;
  for (const sender of store.senders()) {
    out.s += `${name}{${targetInfoLabels(sender.job, sender.instance, sender.attributes)}} 1\n`;
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
    else perInstance(out, family, store.options.promoteResourceAttributes);
  }
  targetInfo(out, store, openMetrics);
  return out.s;
}
