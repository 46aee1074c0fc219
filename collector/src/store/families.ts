/**
 * Metric families: which OTLP metrics land in which family, and which
 * cannot because their name would clash with another family (a different
 * type under the same name, or a name another family's samples use). The
 * names, and the names an output reserves, come from StoreNaming.
 */
import type { DecodedMetric } from '../otlp/model.js';
import type { FamilyType, StoreNaming } from './naming.js';
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
    readonly type: FamilyType,
    /** From the first metric seen; descriptions of later senders do not change it. */
    readonly help: string,
  ) {}

  get empty(): boolean {
    return this.series.size === 0 && this.jobSeries.size === 0;
  }
}

export function familyTypeOf(m: DecodedMetric): FamilyType {
  if (m.type === 'histogram') return 'histogram';
  return m.type === 'sum' && m.monotonic ? 'counter' : 'gauge';
}

interface CacheEntry {
  readonly type: FamilyType;
  readonly unit: string;
  readonly family: Family;
}

export class FamilyRegistry {
  private readonly byName = new Map<string, Family>();
  /** OTLP metric name -> the families it resolved to, by type and unit (the ingest hot path). */
  private readonly byMetric = new Map<string, CacheEntry[]>();
  /** Sample name -> the family that emits it. */
  private readonly samples = new Map<string, Family>();

  constructor(private readonly naming: StoreNaming) {}

  /** The family for a metric, or a message saying why it has none. */
  resolve(m: DecodedMetric): Family | string {
    const type = familyTypeOf(m);
    const entries = this.byMetric.get(m.name);
    if (entries) {
      for (const e of entries) if (e.type === type && e.unit === m.unit) return e.family;
    }
    const name = this.naming.familyName(m, type);
    if (typeof name !== 'string') return name.refused;
    const samples = this.naming.occupiedNames(name, type);
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
    for (const s of this.naming.occupiedNames(family.name, family.type)) this.samples.delete(s);
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
