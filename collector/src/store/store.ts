/**
 * The aggregation store: every series of every sender, bounded and expiring.
 * A series is (sender = job + instance, family, series key). Ingest is
 * a synchronous function of a decoded batch, so tests and benchmarks drive
 * it without HTTP.
 */
import type {
  Attributes,
  DecodedMetric,
  ExportListener,
  HistogramPoint,
  NumberPoint,
  ResourceMetrics,
  Temporality,
} from '../otlp/model.js';
import type { DropReason } from '../self-metric-names.js';
import { Rejections } from '../rejections.js';
import { FamilyRegistry, type Family } from './families.js';
import { applyHistogram, applyNumber, JobSeries, Series } from './series.js';
import type { SenderView, SeriesView } from './views.js';
import type { StoreNaming } from './naming.js';
import { SenderQueue } from './sender-queue.js';

export interface StoreOptions {
  /** Series not updated, and senders not heard from, for this long are removed. */
  readonly expireAfterMs: number;
  /** Most series in the store; points that would create more are dropped (cardinality). */
  readonly maxSeries: number;
  /** Most series (distinct attribute sets) one metric may have per sender. */
  readonly maxCardinality: number;
  /** `job`: expose counters and histograms summed per job and gauges as min/max/sum/count per job. */
  readonly rollup: 'none' | 'job';
  /** Resource attributes copied onto every series of a sender as labels. */
  readonly promoteResourceAttributes: readonly string[];
  /** Most series one sender may have, checked before maxSeries (default: no own limit). */
  readonly maxSeriesPerSender?: number;
  /** Points stamped further ahead of `now` are rejected as malformed (default: no limit). */
  readonly maxFutureSkewMs?: number;
  /** The output's naming rules (prometheus/store-naming.ts: prometheusNaming). */
  readonly naming: StoreNaming;
}

export interface IngestResult {
  accepted: number;
  readonly rejections: Rejections;
}

class MetricState {
  readonly series = new Map<string, Series>();
  constructor(
    readonly family: Family,
    /** The OTLP name that created it: another name sanitised to the same family collides. */
    readonly metricName: string,
  ) {}
}

export class SenderState implements SenderView {
  readonly metrics = new Map<string, MetricState>();
  seriesCount = 0;
  constructor(
    readonly key: string,
    readonly job: string,
    readonly instance: string,
    public attributes: ResourceMetrics['sender']['attributes'],
    readonly firstSeenMs: number,
    public lastSeenMs: number,
  ) {}

  /** Take the resource attributes of the latest export. */
  update(rm: ResourceMetrics, now: number): void {
    this.attributes = rm.sender.attributes;
    this.lastSeenMs = now;
  }
}

/**
 * Points per slice of ingestInSlices. Storing a point took 2-5 µs warm on
 * the 2-core test machine (10,000 new series: 18-48 ms in one go), so a
 * slice holds the loop for a few milliseconds; see benchmarks/README.md
 * ("Hostile inputs") for the slice sizes measured.
 */
export const DEFAULT_SLICE_POINTS = 1000;

/** What one ingest call has accepted and dropped so far. */
interface Run {
  accepted: number;
  /** Dropped points and metrics, to leave out of what listeners get. */
  dropped: Set<object> | undefined;
}

/** Dropped points of one metric, by reason, over all its slices. */
interface Tally {
  drops: Partial<Record<DropReason, number>> | undefined;
  future: number;
  senderFull: number;
}

/** Where a range of a metric's points is stored. */
interface Place {
  readonly sender: SenderState;
  readonly family: Family;
  /** Created by the first point that makes a series. */
  state: MetricState | undefined;
}

interface JobState {
  senders: number;
  readonly series: Map<string, JobSeries>;
}

export class MetricStore {
  readonly families: FamilyRegistry;
  private readonly senderMap = new Map<string, SenderState>();
  private readonly jobs = new Map<string, JobState>();
  private readonly listeners = new Set<ExportListener>();
  private readonly queue = new SenderQueue();
  private series = 0;
  /** Series removed by expiry since the store was created. */
  expiredSeriesTotal = 0;
  /** Called when a listener throws; the export is still accepted. */
  onListenerError: (err: unknown) => void = () => {};

  constructor(readonly options: StoreOptions) {
    this.families = new FamilyRegistry(options.naming);
  }

  get seriesCount(): number {
    return this.series;
  }

  get senderCount(): number {
    return this.senderMap.size;
  }

  /** Follow accepted exports (the points the store kept); returns an unsubscribe function. */
  subscribe(listener: ExportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  senders(): IterableIterator<SenderState> {
    return this.senderMap.values();
  }

  sender(job: string, instance: string): SenderState | undefined {
    return this.senderMap.get(senderKey(job, instance));
  }

  /** Every per-instance series. */
  *allSeries(): IterableIterator<SeriesView> {
    for (const sender of this.senderMap.values()) {
      for (const m of sender.metrics.values()) yield* m.series.values();
    }
  }

  jobSeriesCount(): number {
    let n = 0;
    for (const j of this.jobs.values()) n += j.series.size;
    return n;
  }

  /** Store a batch in one go (tests, benchmarks, small requests). */
  ingest(
    batch: readonly ResourceMetrics[],
    now: number,
    rejections = new Rejections(),
  ): IngestResult {
    const run: Run = { accepted: 0, dropped: undefined };
    const steps = this.steps(batch, now, run, rejections, Infinity);
    while (!steps.next().done);
    this.notify(batch, run, now);
    return { accepted: run.accepted, rejections };
  }

  /**
   * Store a batch in slices of at most `slicePoints` points, letting the
   * event loop run (setImmediate) between slices, so one large request does
   * not hold every other request and /healthz until it is stored. Each
   * point is still stored or dropped as a whole, and a sender's requests
   * are stored in the order they arrived (SenderQueue). A batch that fits in
   * one slice, from senders with nothing queued, is stored at once.
   */
  ingestInSlices(
    batch: readonly ResourceMetrics[],
    now: number,
    rejections = new Rejections(),
    slicePoints = DEFAULT_SLICE_POINTS,
  ): IngestResult | Promise<IngestResult> {
    const keys = [...new Set(batch.map((rm) => senderKey(rm.sender.job, rm.sender.instance)))];
    if (pointCount(batch) <= slicePoints && !this.queue.busy(keys)) {
      return this.ingest(batch, now, rejections);
    }
    return this.queue.run(keys, async () => {
      // The decode ran in this turn: the first slice waits for the next one.
      await nextTurn();
      const run: Run = { accepted: 0, dropped: undefined };
      for (const _ of this.steps(batch, now, run, rejections, slicePoints)) await nextTurn();
      this.notify(batch, run, now);
      return { accepted: run.accepted, rejections };
    });
  }

  /** Tell listeners what a finished ingest kept. */
  private notify(batch: readonly ResourceMetrics[], run: Run, now: number): void {
    if (run.accepted === 0 || this.listeners.size === 0) return;
    const accepted = run.dropped ? keepAccepted(batch, run.dropped) : batch;
    for (const l of this.listeners) {
      try {
        l(accepted, now);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /**
   * Store the batch, yielding after every `slicePoints` points. Nothing
   * found before a yield is trusted after it (other requests, expiry and
   * scrapes run in between and may remove an emptied sender, metric state
   * or family): each range of points looks up its sender, family and state
   * again, which costs three map reads per slice.
   */
  private *steps(
    batch: readonly ResourceMetrics[],
    now: number,
    run: Run,
    rejections: Rejections,
    slicePoints: number,
  ): Generator<void, void, undefined> {
    let budget = slicePoints;
    let last: Place | undefined;
    for (const rm of batch) {
      const key = senderKey(rm.sender.job, rm.sender.instance);
      this.senderMap.get(key)?.update(rm, now);
      for (const metric of rm.metrics) {
        const tally: Tally = { drops: undefined, future: 0, senderFull: 0 };
        let place: Place | undefined;
        let from = 0;
        // do-while: a metric without points still resolves its family, as before slicing.
        do {
          if (budget === 0) {
            if (last) this.tidy(last);
            yield;
            budget = slicePoints;
          }
          const to = Math.min(metric.points.length, from + budget);
          place = last = this.place(key, rm, metric, from, now, run, rejections);
          if (!place) break;
          this.storePoints(place, metric, from, to, now, run, tally);
          budget -= to - from;
          from = to;
        } while (from < metric.points.length);
        if (place) this.finishMetric(place, metric, tally, rejections);
      }
      const sender = this.senderMap.get(key);
      if (sender) this.removeSenderIfEmpty(sender);
    }
  }

  /**
   * Where the points of `metric` from index `from` on go: its sender (added
   * if new), family and this sender's state of it. Undefined when they
   * cannot be stored at all (the rest of the metric is rejected).
   */
  private place(
    key: string,
    rm: ResourceMetrics,
    metric: DecodedMetric,
    from: number,
    now: number,
    run: Run,
    rejections: Rejections,
  ): Place | undefined {
    const rejectRest = (message: string): undefined => {
      const rest = metric.points.length - from;
      rejections.add('type_conflict', rest, message);
      const dropped = (run.dropped ??= new Set());
      if (from === 0) dropped.add(metric);
      else for (let i = from; i < metric.points.length; i++) dropped.add(metric.points[i]!);
      return undefined;
    };
    const family = this.families.resolve(metric);
    if (typeof family === 'string') return rejectRest(`metric "${metric.name}": ${family}`);
    const sender = this.senderMap.get(key) ?? this.addSender(key, rm, now);
    const state = sender.metrics.get(family.name);
    if (state && state.metricName !== metric.name) {
      // `a.b` and `a_b` both become `a_b`: merging them would let the last write win silently.
      return rejectRest(
        `metric "${metric.name}": its Prometheus name ${family.name} is already used by metric "${state.metricName}" of this sender; rename one of them`,
      );
    }
    return { sender, family, state };
  }

  /** Store points [from, to) of `metric`, counting what is dropped in `tally`. */
  private storePoints(
    place: Place,
    metric: DecodedMetric,
    from: number,
    to: number,
    now: number,
    run: Run,
    tally: Tally,
  ): void {
    const { sender, family } = place;
    const temporality = metric.type === 'gauge' ? undefined : metric.temporality;
    const monotonic = metric.type === 'sum' && metric.monotonic;
    // A far-future point would freeze its series: every later real point is older.
    const latest = now + (this.options.maxFutureSkewMs ?? Infinity);
    const points = metric.points;
    for (let i = from; i < to; i++) {
      const p = points[i]!;
      if (p.timeMs > latest) {
        tally.future++;
        (run.dropped ??= new Set()).add(p);
        continue;
      }
      const labels = this.options.naming.seriesKey(p.attributes);
      let s = place.state?.series.get(labels);
      let reason: DropReason | undefined;
      if (s) {
        reason = this.apply(s, metric, p, temporality, monotonic, now);
      } else if (sender.seriesCount >= (this.options.maxSeriesPerSender ?? Infinity)) {
        // Checked first: one sender filling the store must not lock the others out.
        reason = 'cardinality';
        tally.senderFull++;
      } else if (
        this.series >= this.options.maxSeries ||
        (place.state && place.state.series.size >= this.options.maxCardinality)
      ) {
        reason = 'cardinality';
      } else {
        if (!place.state) {
          place.state = new MetricState(family, metric.name);
          sender.metrics.set(family.name, place.state);
        }
        s = this.addSeries(sender, place.state, metric, p.attributes, labels);
        reason = this.apply(s, metric, p, temporality, monotonic, now);
        // Keep the (maybe now empty) state and family for the next points; tidied below.
        if (reason) this.removeSeries(place.state, s, false);
      }
      if (reason === undefined) {
        run.accepted++;
        continue;
      }
      const drops = (tally.drops ??= {});
      drops[reason] = (drops[reason] ?? 0) + 1;
      (run.dropped ??= new Set()).add(p);
    }
  }

  /** Before yielding: leave no empty metric state, family or sender behind. */
  private tidy(place: Place): void {
    if (place.state && place.state.series.size === 0) {
      place.sender.metrics.delete(place.family.name);
      this.families.releaseIfEmpty(place.family);
    }
    this.removeSenderIfEmpty(place.sender);
  }

  /** A metric's rejection messages, once for all its slices. */
  private finishMetric(
    place: Place,
    metric: DecodedMetric,
    tally: Tally,
    rejections: Rejections,
  ): void {
    const { sender, family, state } = place;
    if (tally.future > 0) {
      rejections.add(
        'malformed',
        tally.future,
        `metric "${metric.name}": ${tally.future} point(s) stamped more than ${(this.options.maxFutureSkewMs ?? 0) / 1000} s ahead of the collector's clock (--max-future-skew)`,
      );
    }
    if (tally.senderFull > 0) {
      rejections.add(
        'cardinality',
        0,
        `metric "${metric.name}": this sender already has ${sender.seriesCount} series (--max-series-per-sender)`,
      );
    }
    const drops = tally.drops;
    if (!drops) return;
    if (state && state.series.size === 0) {
      sender.metrics.delete(family.name);
      this.families.releaseIfEmpty(family);
    }
    for (const [reason, n] of Object.entries(drops) as [DropReason, number][]) {
      rejections.add(reason, n, `metric "${metric.name}": ${n} point(s) ${DROP_TEXT[reason]}`);
    }
  }

  private apply(
    s: Series,
    metric: DecodedMetric,
    p: DecodedMetric['points'][number],
    temporality: Temporality | undefined,
    monotonic: boolean,
    now: number,
  ): DropReason | undefined {
    // The decoder gives histogram metrics histogram points and the others number points.
    return metric.type === 'histogram'
      ? applyHistogram(s, p as HistogramPoint, metric.temporality, now)
      : applyNumber(s, p as NumberPoint, temporality, monotonic, now);
  }

  private addSeries(
    sender: SenderState,
    state: MetricState,
    metric: DecodedMetric,
    attributes: Attributes,
    labels: string,
  ): Series {
    const family = state.family;
    const s = new Series(sender, family, metric.name, metric.unit, attributes, labels);
    if (this.options.rollup === 'job' && family.type !== 'gauge') {
      s.rollup = this.jobSeries(sender.job, family, labels);
    }
    state.series.set(labels, s);
    family.series.add(s);
    sender.seriesCount++;
    this.series++;
    return s;
  }

  private addSender(key: string, rm: ResourceMetrics, now: number): SenderState {
    const sender = new SenderState(
      key,
      rm.sender.job,
      rm.sender.instance,
      rm.sender.attributes,
      now,
      now,
    );
    sender.update(rm, now);
    this.senderMap.set(key, sender);
    if (this.options.rollup === 'job') {
      const job = this.jobs.get(sender.job);
      if (job) job.senders++;
      else this.jobs.set(sender.job, { senders: 1, series: new Map() });
    }
    return sender;
  }

  private jobSeries(job: string, family: Family, labels: string): JobSeries {
    const state = this.jobs.get(job)!;
    const key = `${family.name}\u0000${labels}`;
    let js = state.series.get(key);
    if (!js) {
      js = new JobSeries(family, job, labels);
      state.series.set(key, js);
      family.jobSeries.add(js);
    }
    return js;
  }

  /** Remove a series; with `tidy`, also its sender's metric state and its family once empty. */
  private removeSeries(state: MetricState, s: Series, tidy = true): void {
    const sender = s.sender as SenderState;
    state.series.delete(s.labels);
    s.family.series.delete(s);
    sender.seriesCount--;
    this.series--;
    if (!tidy) return;
    if (state.series.size === 0) sender.metrics.delete(state.family.name);
    this.families.releaseIfEmpty(s.family);
  }

  private removeSenderIfEmpty(sender: SenderState): void {
    // A slice may hold a sender that was already removed: count it out once.
    if (sender.seriesCount > 0 || this.senderMap.get(sender.key) !== sender) return;
    this.senderMap.delete(sender.key);
    if (this.options.rollup !== 'job') return;
    const job = this.jobs.get(sender.job);
    if (job && --job.senders === 0) {
      this.jobs.delete(sender.job);
      for (const js of job.series.values()) {
        js.family.jobSeries.delete(js);
        this.families.releaseIfEmpty(js.family);
      }
    }
  }

  /**
   * Forget a sender's series that the next export restates in full (gauges
   * and cumulative sums and histograms); keep delta series, which only this
   * store can accumulate. A remote-write gateway (--no-scrape-endpoint)
   * calls this after converting each export, so its memory does not grow
   * with the number of senders.
   */
  releaseRestated(sender: SenderState): void {
    for (const state of sender.metrics.values()) {
      for (const s of state.series.values()) {
        if (s.temporality !== 'delta') this.removeSeries(state, s);
      }
    }
    this.removeSenderIfEmpty(sender);
  }

  /**
   * Remove series not updated, and senders not heard from, for
   * expireAfterMs. Returns the number of series removed. Called on a timer
   * and before every exposition, so expired data is never served.
   */
  expire(now: number): number {
    const cutoff = now - this.options.expireAfterMs;
    let removed = 0;
    for (const sender of this.senderMap.values()) {
      const silent = sender.lastSeenMs < cutoff;
      for (const state of sender.metrics.values()) {
        for (const s of state.series.values()) {
          if (silent || s.receivedAtMs < cutoff) {
            this.removeSeries(state, s);
            removed++;
          }
        }
      }
      if (silent) this.removeSenderIfEmpty(sender);
    }
    this.expiredSeriesTotal += removed;
    return removed;
  }
}

function pointCount(batch: readonly ResourceMetrics[]): number {
  let n = 0;
  for (const rm of batch) for (const m of rm.metrics) n += m.points.length;
  return n;
}

/** Let timers, I/O (other requests, /healthz) and scrapes run, then continue. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function senderKey(job: string, instance: string): string {
  return `${job}\u0000${instance}`;
}

const DROP_TEXT: Record<DropReason, string> = {
  malformed: 'malformed',
  unauthorized: 'unauthorized',
  too_large: 'too large',
  out_of_order: 'older than, or overlapping, the stored point (out of order)',
  type_conflict: 'conflict with the stored series type or histogram bounds',
  cardinality:
    'over the series limits (--max-series-per-sender / --max-series / --max-cardinality)',
};

/** The batch without the dropped points (only built when something was dropped). */
function keepAccepted(batch: readonly ResourceMetrics[], dropped: Set<object>): ResourceMetrics[] {
  const out: ResourceMetrics[] = [];
  for (const rm of batch) {
    const metrics: DecodedMetric[] = [];
    for (const m of rm.metrics) {
      if (dropped.has(m)) continue;
      const points = (m.points as readonly object[]).filter((p) => !dropped.has(p));
      if (points.length === m.points.length) metrics.push(m);
      else if (points.length > 0) metrics.push({ ...m, points } as DecodedMetric);
    }
    if (metrics.length > 0) out.push({ sender: rm.sender, metrics });
  }
  return out;
}
