/**
 * Prometheus metric families: which OTLP metrics land in which family, and
 * which cannot because their name would clash with another family (a
 * different type under the same name, a gauge named like a histogram's
 * `_count`, or one of the collector's own metrics).
 */
import type { DecodedMetric } from '../otlp/model.js';
import { prometheusName, promNameOf, type PromMetricType } from '../prometheus/name.js';
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import { METRICS } from '@loopscope/agent/names';
import type { JobSeries, Series } from './series.js';

export class Family {
  /** Per-instance series. */
  readonly series = new Set<Series>();
  /** Per-job accumulators of counters and histograms in `--rollup job` mode. */
  readonly jobSeries = new Set<JobSeries>();
  /** OTLP metric names resolved to this family (cache entries dropped with it). */
  readonly metricNames: string[] = [];
  constructor(
    /** Family name; for counters it ends in `_total`, for histograms it is the base name. */
    readonly name: string,
    readonly type: PromMetricType,
    /** From the first metric seen; descriptions of later senders do not change it. */
    readonly help: string,
  ) {}

  get empty(): boolean {
    return this.series.size === 0 && this.jobSeries.size === 0;
  }
}

export function promTypeOf(m: DecodedMetric): PromMetricType {
  if (m.type === 'histogram') return 'histogram';
  return m.type === 'sum' && m.monotonic ? 'counter' : 'gauge';
}

/**
 * Names a family occupies: its samples and its OpenMetrics family name
 * (for a counter, the name without `_total`).
 */
function sampleNames(name: string, type: PromMetricType): string[] {
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  return type === 'counter' ? [name, name.replace(/_total$/, '')] : [name];
}

interface CacheEntry {
  readonly type: PromMetricType;
  readonly unit: string;
  readonly family: Family;
}

const RESERVED = new Set<string>(
  Object.values(COLLECTOR_METRICS).flatMap((n) => [n, n.replace(/_total$/, '')]),
);

/** The agent's metric names with their kinds and units: reserved, whoever sends first. */
const AGENT_DECLARED = new Map<string, { readonly type: PromMetricType; readonly unit: string }>(
  Object.values(METRICS).map((d) => [
    d.name,
    {
      type: d.kind === 'histogram' ? 'histogram' : d.kind === 'counter' ? 'counter' : 'gauge',
      unit: d.unit,
    },
  ]),
);

/** The Prometheus families of the agent's metrics: another OTLP name may not land in them. */
const AGENT_FAMILIES = new Map(Object.values(METRICS).map((d) => [promNameOf(d), d.name]));

/** Why a metric may not use an agent-declared name, or undefined when it matches the declaration. */
function misusesAgentName(m: DecodedMetric, type: PromMetricType): string | undefined {
  const declared = AGENT_DECLARED.get(m.name);
  if (!declared || (declared.type === type && declared.unit === m.unit)) return undefined;
  return `${m.name} is reserved for the loopscope agent's ${declared.type} in ${JSON.stringify(declared.unit)}; this ${type} in ${JSON.stringify(m.unit)} was rejected (rename it)`;
}

export class FamilyRegistry {
  private readonly byName = new Map<string, Family>();
  /** OTLP metric name -> the families it resolved to, by type and unit (the ingest hot path). */
  private readonly byMetric = new Map<string, CacheEntry[]>();
  /** Sample name -> the family that emits it. */
  private readonly samples = new Map<string, Family>();

  /** The family for a metric, or a message saying why it has none. */
  resolve(m: DecodedMetric): Family | string {
    const type = promTypeOf(m);
    const entries = this.byMetric.get(m.name);
    if (entries) {
      for (const e of entries) if (e.type === type && e.unit === m.unit) return e.family;
    }
    // A sender that exports an agent name first with another kind must not
    // take the family from every agent: it is refused, they keep it.
    const misuse = misusesAgentName(m, type);
    if (misuse) return misuse;
    const name = prometheusName(m.name, m.unit, type);
    const owner = AGENT_FAMILIES.get(name);
    if (owner !== undefined && owner !== m.name) {
      return `${name} is reserved for the loopscope agent's ${owner}; metric ${m.name} would land in it (rename it)`;
    }
    const samples = sampleNames(name, type);
    if (samples.some((s) => RESERVED.has(s)) || RESERVED.has(name)) {
      return `${name} is the name of one of the collector's own metrics`;
    }
    let family = this.byName.get(name);
    if (family && family.type !== type) {
      return `${name} is already a ${family.type}, this metric would make it a ${type}`;
    }
    if (!family) {
      const clash = samples.map((s) => this.samples.get(s)).find(Boolean);
      if (clash) return `${name} (${type}) clashes with ${clash.type} ${clash.name}`;
      family = new Family(name, type, m.description || `OTLP metric ${m.name}`);
      this.byName.set(name, family);
      for (const s of samples) this.samples.set(s, family);
    }
    family.metricNames.push(m.name);
    const entry = { type, unit: m.unit, family };
    if (entries) entries.push(entry);
    else this.byMetric.set(m.name, [entry]);
    return family;
  }

  /** Forget a family once its last series is gone. */
  releaseIfEmpty(family: Family): void {
    if (!family.empty || this.byName.get(family.name) !== family) return;
    this.byName.delete(family.name);
    for (const s of sampleNames(family.name, family.type)) this.samples.delete(s);
    for (const name of family.metricNames) {
      const kept = this.byMetric.get(name)?.filter((e) => e.family !== family) ?? [];
      if (kept.length > 0) this.byMetric.set(name, kept);
      else this.byMetric.delete(name);
    }
  }

  all(): IterableIterator<Family> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}
