import type { Attributes, DecodedMetric, ExportListener, Sender } from '../otlp/model.js';
import { HistogramDeltas } from './delta.js';
import { historyOptions, type HistoryOptions } from './bounds.js';
import { mergeBuckets, quantile, type Buckets } from './quantile.js';
import { sameBounds } from '../temporality.js';
import { Ring } from './ring.js';
import { deriveSample, type Sample } from './sample.js';

export type Liveness = 'live' | 'stale';

export interface InstanceSummary {
  readonly job: string;
  readonly instance: string;
  readonly state: Liveness;
  readonly lastSeenMs: number;
  /** Median time between the last exports; null until two have arrived. */
  readonly intervalMs: number | null;
  readonly points: number;
  readonly attributes: Attributes;
  /** Over the rank window, in seconds; null without loop-delay data in it. */
  readonly loopDelayP99: number | null;
  readonly loopDelayMax: number | null;
  /** Worst interval p99 of the probe's round trip (pool wait plus loop delay). */
  readonly threadpoolQueueDelayP99: number | null;
  /** Worst interval p99 of the probe's pool wait alone: the pool queue signal. */
  readonly threadpoolWaitP99: number | null;
  /** Stall seconds caused by CPU starvation (run-queue wait, throttling) over the rank window; null without stall-time data. */
  readonly starvedSeconds: number | null;
  /** The cgroup's CPU limit in CPUs, latest within the rank window. */
  readonly cpuLimit: number | null;
  /** Latest values within the rank window. */
  readonly utilization: number | null;
  readonly activeResources: number | null;
  readonly heapUsed: number | null;
  readonly heapLimit: number | null;
}

export interface ServiceSummary {
  readonly job: string;
  /** p99 of every instance's loop-delay histogram merged over the rank window (not an average of p99s). */
  readonly loopDelayP99: number | null;
  readonly instances: readonly InstanceSummary[];
}

/**
 * Loop-delay histograms are only needed over the rank window; keeping them
 * for every sample would triple the memory per sample. This many intervals
 * cover a one-minute window at a 0.5 s export interval.
 */
const RECENT_HISTOGRAMS = 120;

class InstanceHistory {
  readonly samples: Ring<Sample>;
  readonly recentLoop = new Ring<{ readonly t: number; readonly buckets: Buckets }>(
    RECENT_HISTOGRAMS,
  );
  readonly deltas = new HistogramDeltas();
  lastSeenMs = 0;

  constructor(
    public sender: Sender,
    capacity: number,
  ) {
    this.samples = new Ring(capacity);
  }
}

const keyOf = (job: string, instance: string) => `${job}\u0000${instance}`;
const byWorstP99 = (a: { loopDelayP99: number | null }, b: { loopDelayP99: number | null }) =>
  (b.loopDelayP99 ?? -1) - (a.loopDelayP99 ?? -1);
/** Stale once this many export intervals passed without one. */
const MISSED_EXPORTS_STALE = 3;
/** Assumed interval before two exports have arrived (the OTel SDK's default is 60 s; ours is shorter). */
const UNKNOWN_INTERVAL_MS = 10_000;
/** Untracked instances remembered (for their count) at most. */
const MAX_WAITING = 100_000;

/**
 * The UI's memory: per instance, a bounded ring of Samples derived from each
 * accepted export. Feed it with `listener`; read it with `services()` and
 * `samples()`.
 */
export class History {
  readonly options: HistoryOptions;
  /** Least recently heard from first: record() moves an instance to the end. */
  private readonly instances = new Map<string, InstanceHistory>();
  /** Instances heard from while the history was full of live ones: key -> last seen. */
  private readonly waiting = new Map<string, number>();
  private lastSweepMs = 0;

  constructor(options: Partial<HistoryOptions> = {}) {
    this.options = historyOptions(options);
  }

  readonly listener: ExportListener = (batch, receivedAtMs) => {
    const bySender = new Map<string, { sender: Sender; metrics: DecodedMetric[] }>();
    for (const { sender, metrics } of batch) {
      const key = keyOf(sender.job, sender.instance);
      const entry = bySender.get(key) ?? { sender, metrics: [] };
      entry.metrics.push(...metrics);
      bySender.set(key, entry);
    }
    for (const [key, { sender, metrics }] of bySender) {
      this.record(key, sender, metrics, receivedAtMs);
    }
    this.sweep(receivedAtMs);
  };

  /** Services and their instances, worst loop-delay p99 first. */
  services(nowMs = Date.now()): ServiceSummary[] {
    this.sweep(nowMs);
    const jobs = new Map<string, { summaries: InstanceSummary[]; buckets: Buckets[] }>();
    for (const history of this.instances.values()) {
      const { summary, buckets } = this.summarize(history, nowMs);
      const job = jobs.get(summary.job) ?? { summaries: [], buckets: [] };
      job.summaries.push(summary);
      job.buckets.push(...buckets);
      jobs.set(summary.job, job);
    }
    return [...jobs]
      .map(([job, { summaries, buckets }]) => {
        const merged = mergeBuckets(buckets);
        return {
          job,
          loopDelayP99: merged && quantile(0.99, merged),
          instances: summaries.sort(
            (a, b) => byWorstP99(a, b) || a.instance.localeCompare(b.instance),
          ),
        };
      })
      .sort((a, b) => {
        const worst = (s: ServiceSummary) => ({
          loopDelayP99: s.instances[0]?.loopDelayP99 ?? null,
        });
        return byWorstP99(worst(a), worst(b)) || a.job.localeCompare(b.job);
      });
  }

  /** Samples of one instance with from <= t <= to, oldest first; undefined for an unknown instance. */
  samples(job: string, instance: string, fromMs: number, toMs: number): Sample[] | undefined {
    const history = this.instances.get(keyOf(job, instance));
    if (!history) return undefined;
    return [...history.samples].filter((s) => s.t >= fromMs && s.t <= toMs);
  }

  /** Instances heard from within the window that the full history does not track. */
  untrackedCount(nowMs = Date.now()): number {
    this.sweep(nowMs);
    return this.waiting.size;
  }

  private record(key: string, sender: Sender, metrics: DecodedMetric[], t: number): void {
    let history = this.instances.get(key);
    if (history) {
      this.instances.delete(key);
    } else {
      if (this.instances.size >= this.options.maxInstances && !this.evictStale(t)) {
        this.wait(key, t);
        return;
      }
      this.waiting.delete(key);
      history = new InstanceHistory(sender, this.options.maxPointsPerInstance);
    }
    this.instances.set(key, history);
    history.sender = sender;
    history.lastSeenMs = t;
    const { sample, loopBuckets } = deriveSample(t, metrics, history.deltas);
    history.samples.push(sample);
    history.samples.dropWhile((s) => s.t < t - this.options.windowMs);
    if (loopBuckets) {
      // Consecutive histograms of one sender share their bounds array: one copy, not one per interval.
      const previous = history.recentLoop.last()?.buckets.bounds;
      const bounds =
        previous && sameBounds(previous, loopBuckets.bounds) ? previous : loopBuckets.bounds;
      history.recentLoop.push({ t, buckets: { bounds, counts: loopBuckets.counts } });
    }
    history.recentLoop.dropWhile((h) => h.t < t - this.options.rankWindowMs);
  }

  /** Forgets instances silent for the whole window; at most once a second, ingest stays O(1). */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < 1_000) return;
    this.lastSweepMs = nowMs;
    const forgetBefore = nowMs - this.options.windowMs;
    for (const [key, history] of this.instances) {
      if (history.lastSeenMs < forgetBefore) this.instances.delete(key);
    }
    for (const [key, lastSeenMs] of this.waiting) {
      if (lastSeenMs < forgetBefore) this.waiting.delete(key);
    }
  }

  /**
   * Makes room by dropping the instance silent the longest, if it is stale.
   * Never a live one: with more live instances than room, dropping one for
   * each newcomer would leave every instance a history of one sample.
   */
  private evictStale(nowMs: number): boolean {
    const quietest = this.instances.entries().next();
    if (quietest.done) return false;
    const [key, history] = quietest.value;
    if (livenessOf(history, nowMs) === 'live') return false;
    this.instances.delete(key);
    return true;
  }

  private wait(key: string, t: number): void {
    this.waiting.delete(key);
    this.waiting.set(key, t);
    // Names only, but bounded all the same: the oldest go first.
    if (this.waiting.size > MAX_WAITING) {
      const oldest = this.waiting.keys().next();
      if (!oldest.done) this.waiting.delete(oldest.value);
    }
  }

  private summarize(
    history: InstanceHistory,
    nowMs: number,
  ): { summary: InstanceSummary; buckets: Buckets[] } {
    const since = nowMs - this.options.rankWindowMs;
    const buckets = [...history.recentLoop].filter((h) => h.t >= since).map((h) => h.buckets);
    const merged = mergeBuckets(buckets);
    // Newest first, stopping at the rank window: the cost does not grow with the history.
    const recent = takeWhile(history.samples.newestFirst(), (s) => s.t >= since);
    const latest = <K extends keyof Sample>(k: K): Sample[K] | null =>
      recent.find((s) => s[k] !== null)?.[k] ?? null;
    const maxes = recent.flatMap((s) => (s.loopDelay?.max != null ? [s.loopDelay.max] : []));
    const poolP99s = recent.flatMap((s) => (s.poolDelay?.p99 != null ? [s.poolDelay.p99] : []));
    const waitP99s = recent.flatMap((s) => (s.poolWait?.p99 != null ? [s.poolWait.p99] : []));
    const stalls = recent.flatMap((s) => (s.stall ? [s.stall.starvedSeconds] : []));
    const intervalMs = intervalOf(history);
    const resources = latest('resources');
    return {
      buckets,
      summary: {
        job: history.sender.job,
        instance: history.sender.instance,
        state: livenessOf(history, nowMs, intervalMs),
        lastSeenMs: history.lastSeenMs,
        intervalMs,
        points: history.samples.size,
        attributes: history.sender.attributes,
        loopDelayP99:
          merged &&
          quantile(0.99, { ...merged, max: maxes.length ? Math.max(...maxes) : undefined }),
        loopDelayMax: maxes.length ? Math.max(...maxes) : null,
        // Pool probes are few per interval: the worst interval p99 is the honest summary.
        threadpoolQueueDelayP99: poolP99s.length ? Math.max(...poolP99s) : null,
        threadpoolWaitP99: waitP99s.length ? Math.max(...waitP99s) : null,
        starvedSeconds: stalls.length ? stalls.reduce((a, b) => a + b, 0) : null,
        cpuLimit: latest('cpuLimit'),
        utilization: latest('utilization'),
        activeResources: resources && Object.values(resources).reduce((a, b) => a + b, 0),
        heapUsed: latest('heapUsed'),
        heapLimit: latest('heapLimit'),
      },
    };
  }
}

function takeWhile<T>(items: Iterable<T>, keep: (item: T, index: number) => boolean): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (!keep(item, out.length)) break;
    out.push(item);
  }
  return out;
}

/** Median gap between the last exports (up to ten gaps); null until two have arrived. */
function intervalOf(history: InstanceHistory): number | null {
  return medianGap(takeWhile(history.samples.newestFirst(), (_s, i) => i < 11).reverse());
}

function livenessOf(
  history: InstanceHistory,
  nowMs: number,
  intervalMs = intervalOf(history),
): Liveness {
  const staleAfter = MISSED_EXPORTS_STALE * (intervalMs ?? UNKNOWN_INTERVAL_MS);
  return nowMs - history.lastSeenMs <= staleAfter ? 'live' : 'stale';
}

function medianGap(samples: readonly Sample[]): number | null {
  const gaps = samples.slice(1).map((s, i) => s.t - (samples[i]?.t ?? s.t));
  if (gaps.length === 0) return null;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? null;
}
