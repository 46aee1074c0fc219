/**
 * The collector's own metrics, with prom-client, in one registry. /metrics
 * answers in either format per request: prom-client's OpenMetrics registry
 * renames counters in place (drops `_total` from the shared metric object)
 * when it renders, which used to break the text format for the rest of the
 * process's life, so OpenMetrics is rendered from per-request copies instead.
 * Store-derived values (series, senders, liveness) are read at scrape time
 * rather than tracked on every ingest.
 */
import { Counter, Gauge, Registry, type OpenMetricsContentType } from 'prom-client';
import {
  COLLECTOR_METRICS,
  DROP_REASONS,
  EXPORT_RESULTS,
  type DropReason,
  type ExportResult,
} from '../self-metric-names.js';
import type { Rejections } from '../rejections.js';
import type { MetricStore } from '../store/store.js';

export class SelfMetrics {
  readonly registry = new Registry();
  private readonly exports: Counter<'result'>;
  private readonly points: Counter;
  private readonly dropped: Counter<'reason'>;
  private readonly evicted: Counter;

  constructor(store: MetricStore) {
    const registers = [this.registry];
    this.exports = new Counter({
      name: COLLECTOR_METRICS.exports,
      help: 'OTLP export requests received, by result (accepted, partial, or why refused).',
      labelNames: ['result'],
      registers,
    });
    this.points = new Counter({
      name: COLLECTOR_METRICS.points,
      help: 'Data points and block events (log records) accepted into the store.',
      registers,
    });
    this.dropped = new Counter({
      name: COLLECTOR_METRICS.droppedPoints,
      help: 'Data points and block events not stored, by reason. Points of refused requests (unauthorized, too large, unreadable) are not counted: they are never read; see exports_total.',
      labelNames: ['reason'],
      registers,
    });
    this.evicted = new Counter({
      name: COLLECTOR_METRICS.blocksEvicted,
      help: 'Instances whose block or busy-loop events were evicted, least recently heard from first, to stay within --max-blocks-bytes or the instance bound.',
      registers,
    });
    for (const reason of DROP_REASONS) this.dropped.inc({ reason }, 0);
    for (const result of EXPORT_RESULTS) this.exports.inc({ result }, 0);
    new Gauge({
      name: COLLECTOR_METRICS.series,
      help: 'Series in the store (per instance).',
      registers,
      collect() {
        this.set(store.seriesCount);
      },
    });
    new Gauge({
      name: COLLECTOR_METRICS.senders,
      help: 'Senders (job, instance) in the store.',
      registers,
      collect() {
        this.set(store.senderCount);
      },
    });
    new Counter({
      name: COLLECTOR_METRICS.expiredSeries,
      help: 'Series removed because they were not updated for --expire-after.',
      registers,
      collect() {
        // The store counts; a counter cannot be set, so reset and add the total.
        this.reset();
        this.inc(store.expiredSeriesTotal);
      },
    });
    new Gauge({
      name: COLLECTOR_METRICS.senderLastSeen,
      help: 'When each sender last exported, in seconds since the epoch (collector clock). Gone once the sender expires.',
      labelNames: ['job', 'instance'],
      registers,
      collect() {
        this.reset();
        for (const s of store.senders()) {
          this.set({ job: s.job, instance: s.instance }, s.lastSeenMs / 1000);
        }
      },
    });
  }

  export(result: ExportResult): void {
    this.exports.inc({ result });
  }

  accepted(points: number): void {
    if (points > 0) this.points.inc(points);
  }

  blocksEvicted(instances: number): void {
    if (instances > 0) this.evicted.inc(instances);
  }

  drop(reason: DropReason, points: number): void {
    if (points > 0) this.dropped.inc({ reason }, points);
  }

  /** Every rejection of one export, by reason: metrics points and block events (log records) alike. */
  rejected(rejections: Rejections): void {
    for (const reason of DROP_REASONS) this.drop(reason, rejections.byReason[reason] ?? 0);
  }

  render(openMetrics: boolean): Promise<string> {
    return openMetrics ? renderOpenMetrics(this.registry) : this.registry.metrics();
  }
}

/**
 * OpenMetrics from a text registry without touching it: each metric's values
 * are read once (its collect() runs) and rendered by a throwaway OpenMetrics
 * registry from a copy whose counter family name has no `_total` (the
 * renderer adds it back on the samples).
 */
type Metric = Counter | Gauge;

async function renderOpenMetrics(source: Registry): Promise<string> {
  const om = new Registry<OpenMetricsContentType>();
  om.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const parts: string[] = [];
  // The typings call these MetricObjects; at run time they are the metrics themselves.
  for (const metric of source.getMetricsAsArray() as unknown as Metric[]) {
    const value = await metric.get();
    const name = String(value.type) === 'counter' ? value.name.replace(/_total$/, '') : value.name;
    const copy = { ...value, name };
    // getMetricsAsString only calls get() on what it is given.
    parts.push(
      await (
        om as unknown as { getMetricsAsString(m: { get(): unknown }): Promise<string> }
      ).getMetricsAsString({ get: () => copy }),
    );
  }
  return `${parts.join('\n')}\n# EOF\n`;
}
