import { K6, BUILTIN_METRIC_TYPES } from '../k6/builtin.js';
import type {
  MetricDecl,
  RunSummary,
  Sample,
  SummaryMetric,
  ThresholdResult,
  UnevaluatedThreshold,
} from '../k6/model.js';
import type { SampleSink } from '../k6/sink.js';
import { compare, parseThreshold } from '../k6/thresholds.js';
import { MetricAgg } from './metric-agg.js';
import { distribution, newSketch, type Distribution, type Sketch } from './sketch.js';
import { Timeline } from './timeline.js';

/** Requests, errors and latency of one group (a scenario, a `name` tag, or the whole run). */
interface GroupAgg {
  latency: Sketch;
  requests: number;
  errors: number;
  statusErrors: number;
}

interface BucketAgg extends GroupAgg {
  dropped: number;
  iterations: number;
  vus: number;
}

export interface GroupStats {
  key: string;
  requests: number;
  rps: number;
  errors: number;
  errorRate: number;
  /** Latency in milliseconds; summary files may lack some quantiles. */
  latency: Partial<Distribution> | null;
}

export interface ClientBucket {
  /** Bucket start, ms since the epoch. */
  t: number;
  requests: number;
  rps: number;
  errors: number;
  dropped: number;
  iterations: number;
  vus: number;
  latency: Distribution | null;
}

/** Everything the client side of a run says, from a results file. */
export interface ClientResult {
  summary: RunSummary;
  latencyMetric: string;
  startMs?: number;
  endMs?: number;
  /** Width of a timeline bucket; null when the input has no samples (summary files). */
  resolutionMs: number | null;
  timeline: ClientBucket[];
  overall: GroupStats;
  byScenario: GroupStats[];
  byName: GroupStats[];
}

/** Request-latency metrics, in the order auto mode prefers them. */
export const LATENCY_CANDIDATES: readonly string[] = [K6.latency, 'grpc_req_duration'];

/** The counter of requests that goes with a latency metric. */
export function requestCounterFor(latencyMetric: string): string {
  return latencyMetric === 'grpc_req_duration' ? 'grpc_reqs' : K6.requests;
}

const newGroup = (): GroupAgg => ({
  latency: newSketch(),
  requests: 0,
  errors: 0,
  statusErrors: 0,
});
const newBucket = (): BucketAgg => ({ ...newGroup(), dropped: 0, iterations: 0, vus: 0 });
function mergeGroup(into: GroupAgg, from: GroupAgg): void {
  into.latency.merge(from.latency);
  into.requests += from.requests;
  into.errors += from.errors;
  into.statusErrors += from.statusErrors;
}
function mergeBucket(into: BucketAgg, from: BucketAgg): void {
  mergeGroup(into, from);
  into.dropped += from.dropped;
  into.iterations += from.iterations;
  into.vus = Math.max(into.vus, from.vus);
}

/** A failed response by its status tag, for results without http_req_failed (k6 < 0.31). */
const statusFailed = (tags: Readonly<Record<string, string>>) => {
  const s = Number(tags.status);
  return tags.status !== undefined && (s === 0 || s >= 400);
};

interface SubAgg {
  parent: string;
  tags: Readonly<Record<string, string>>;
  agg: MetricAgg;
}

/**
 * Folds a stream of k6 samples into totals per metric (and declared
 * submetric), per-scenario and per-name request statistics, and a timeline.
 * Memory grows with the number of metrics, names and time buckets, never
 * with the number of samples.
 */
export class ClientAggregator implements SampleSink {
  private readonly decls = new Map<string, MetricDecl>();
  private readonly totals = new Map<string, MetricAgg>();
  private readonly subs = new Map<string, SubAgg[]>();
  private readonly timeline: Timeline<BucketAgg>;
  private readonly overall = newGroup();
  private readonly scenarios = new Map<string, GroupAgg>();
  private readonly names = new Map<string, GroupAgg>();
  private readonly overflow = new Set<string>();
  private sawFailedMetric = false;
  private sawRequestsMetric = false;
  private start = Infinity;
  private end = -Infinity;

  /** The latency metric; undefined until the first candidate sample picks one (auto mode). */
  private latencyMetric: string | undefined;

  constructor(
    latencyMetric?: string,
    private readonly maxGroups = 200,
    maxBuckets = 3600,
  ) {
    this.latencyMetric = latencyMetric;
    this.timeline = new Timeline(newBucket, mergeBucket, maxBuckets);
  }

  declare(decl: MetricDecl): void {
    if (this.decls.has(decl.name)) return;
    this.decls.set(decl.name, decl);
    this.totals.set(decl.name, new MetricAgg(decl.type));
    const subs = decl.submetrics.map((s) => ({
      parent: decl.name,
      tags: s.tags,
      agg: new MetricAgg(decl.type),
    }));
    if (subs.length > 0) this.subs.set(decl.name, subs);
  }

  private group(map: Map<string, GroupAgg>, key: string, kind: string): GroupAgg {
    let g = map.get(key);
    if (!g) {
      if (map.size >= this.maxGroups) {
        this.overflow.add(kind);
        key = '(other)';
        g = map.get(key);
      }
      if (!g) {
        g = newGroup();
        map.set(key, g);
      }
    }
    return g;
  }

  sample(s: Sample): void {
    let total = this.totals.get(s.metric);
    if (!total) {
      // A Point before (or without) its Metric line: k6's built-in type, else a trend.
      total = new MetricAgg(BUILTIN_METRIC_TYPES[s.metric] ?? 'trend');
      this.decls.set(s.metric, {
        name: s.metric,
        type: total.type,
        thresholds: [],
        submetrics: [],
      });
      this.totals.set(s.metric, total);
    }
    total.add(s.value, s.time);
    const subs = this.subs.get(s.metric);
    if (subs) {
      for (const sub of subs) {
        let match = true;
        for (const k in sub.tags) if (s.tags[k] !== sub.tags[k]) match = false;
        if (match) sub.agg.add(s.value, s.time);
      }
    }
    if (s.time < this.start) this.start = s.time;
    if (s.time > this.end) this.end = s.time;

    const m = s.metric;
    if (this.latencyMetric === undefined && LATENCY_CANDIDATES.includes(m)) this.latencyMetric = m;
    const requestsMetric =
      this.latencyMetric === undefined ? K6.requests : requestCounterFor(this.latencyMetric);
    if (
      m !== this.latencyMetric &&
      m !== requestsMetric &&
      m !== K6.failed &&
      m !== K6.dropped &&
      m !== K6.iterations &&
      m !== K6.vus
    )
      return;
    const bucket = this.timeline.at(s.time);
    if (m === K6.dropped) bucket.dropped += s.value;
    else if (m === K6.iterations) bucket.iterations += s.value;
    else if (m === K6.vus) bucket.vus = Math.max(bucket.vus, s.value);
    else {
      const targets = [
        bucket,
        this.overall,
        this.group(this.scenarios, s.tags.scenario ?? 'default', 'scenario'),
        this.group(this.names, s.tags.name ?? '(no name tag)', 'name'),
      ];
      for (const g of targets) {
        if (m === this.latencyMetric) g.latency.accept(s.value);
        else if (m === requestsMetric) {
          g.requests += s.value;
          if (statusFailed(s.tags)) g.statusErrors += s.value;
        } else if (s.value !== 0) g.errors++;
      }
      if (m === requestsMetric) this.sawRequestsMetric = true;
      if (m === K6.failed) this.sawFailedMetric = true;
    }
  }

  private stats(key: string, g: GroupAgg, durationSec: number): GroupStats {
    const requests = this.sawRequestsMetric ? g.requests : g.latency.count;
    const errors = this.sawFailedMetric ? g.errors : g.statusErrors;
    return {
      key,
      requests,
      rps: durationSec > 0 ? requests / durationSec : 0,
      errors,
      errorRate: requests > 0 ? errors / requests : 0,
      latency: distribution(g.latency),
    };
  }

  /** The whole run's quantiles as k6 computes them (the latency metric's own totals). */
  private exactOverall(g: GroupStats): GroupStats {
    const agg = this.totals.get(this.latencyMetric ?? K6.latency);
    if (!g.latency || !agg || agg.type !== 'trend' || agg.count !== g.latency.count) return g;
    return {
      ...g,
      latency: {
        ...g.latency,
        p50: agg.quantile(0.5),
        p90: agg.quantile(0.9),
        p95: agg.quantile(0.95),
        p99: agg.quantile(0.99),
      },
    };
  }

  private evaluateThresholds(durationSec: number, warnings: string[]): ThresholdResult[] {
    const out: ThresholdResult[] = [];
    const check = (metric: string, agg: MetricAgg, expressions: readonly string[]) => {
      for (const expression of expressions) {
        const t = parseThreshold(expression);
        if (!t) {
          warnings.push(
            `threshold "${expression}" on ${metric} is not a k6 expression this tool can evaluate`,
          );
          continue;
        }
        if (agg.count === 0) {
          warnings.push(`threshold "${expression}" on ${metric}: no samples to evaluate it on`);
          continue;
        }
        const value = agg.method(t.method, durationSec, t.percentile);
        if (value === undefined) {
          const method = t.method === 'p' ? `p(${t.percentile})` : t.method;
          warnings.push(
            `threshold "${expression}" on ${metric}: "${method}" does not apply to a ${agg.type}`,
          );
          continue;
        }
        out.push({
          metric,
          expression,
          passed: compare(value, t.op, t.bound),
          source: 'evaluated',
        });
      }
    };
    for (const [name, decl] of this.decls) {
      const agg = this.totals.get(name);
      if (agg && decl.thresholds.length > 0) check(name, agg, decl.thresholds);
    }
    return out;
  }

  /**
   * Thresholds the samples cannot settle: k6 creates a submetric for each
   * submetric threshold (and one of its own, `{expected_response:true}`) but
   * `--out json` does not write that threshold; CSV writes none at all.
   */
  private unevaluated(format: 'ndjson' | 'csv'): UnevaluatedThreshold[] {
    if (format === 'csv')
      return [
        {
          metric: '*',
          reason:
            'CSV output carries no thresholds: none was evaluated (use --out json, --summary-export or handleSummary)',
        },
      ];
    const out: UnevaluatedThreshold[] = [];
    for (const decl of this.decls.values())
      for (const s of decl.submetrics) {
        if (s.name === `${decl.name}{expected_response:true}`) continue;
        out.push({
          metric: s.name,
          reason:
            '--out json lists this submetric but not its thresholds; read them from --summary-export or handleSummary',
        });
      }
    return out;
  }

  finish(format: 'ndjson' | 'csv', warnings: string[]): ClientResult {
    const hasSamples = this.start <= this.end;
    const durationMs = hasSamples ? Math.max(this.end - this.start, 1) : 0;
    const durationSec = durationMs / 1000;
    const metrics: SummaryMetric[] = [];
    for (const [name, agg] of this.totals) {
      const decl = this.decls.get(name);
      metrics.push({
        name,
        type: agg.type,
        ...(decl?.contains ? { contains: decl.contains } : {}),
        values: agg.values(durationSec),
      });
      for (const sub of this.subs.get(name) ?? []) {
        const tagText = Object.entries(sub.tags)
          .map(([k, v]) => `${k}:${v}`)
          .join(',');
        metrics.push({
          name: `${name}{${tagText}}`,
          type: sub.agg.type,
          values: sub.agg.values(durationSec),
        });
      }
    }
    for (const kind of this.overflow)
      warnings.push(
        `more than ${this.maxGroups} distinct ${kind} tags: the rest are grouped as "(other)"`,
      );
    const summary: RunSummary = {
      format,
      ...(hasSamples ? { durationMs, startMs: this.start, endMs: this.end } : {}),
      metrics,
      thresholds: this.evaluateThresholds(durationSec, warnings),
      unevaluated: this.unevaluated(format),
      checks: [],
      warnings,
    };
    const width = this.timeline.widthMs;
    const timeline: ClientBucket[] = this.timeline.entries().map(([t, b]) => {
      const s = this.stats('', b, width / 1000);
      const latency = distribution(b.latency);
      return {
        t,
        requests: s.requests,
        rps: s.rps,
        errors: s.errors,
        dropped: b.dropped,
        iterations: b.iterations,
        vus: b.vus,
        latency,
      };
    });
    const sortGroups = (map: Map<string, GroupAgg>) =>
      [...map.entries()]
        .map(([k, g]) => this.stats(k, g, durationSec))
        .sort((a, z) => z.requests - a.requests);
    return {
      summary,
      latencyMetric: this.latencyMetric ?? K6.latency,
      ...(hasSamples ? { startMs: this.start, endMs: this.end } : {}),
      resolutionMs: hasSamples ? width : null,
      timeline,
      overall: this.exactOverall(this.stats('all', this.overall, durationSec)),
      byScenario: sortGroups(this.scenarios),
      byName: sortGroups(this.names),
    };
  }
}
