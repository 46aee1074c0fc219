/**
 * The collector's own metrics, with prom-client. Each metric is registered
 * in two registries, one per exposition format, so /metrics can answer in
 * either. Store-derived values (series, senders, liveness) are read at
 * scrape time rather than tracked on every ingest.
 */
import { Counter, Gauge, Registry, type OpenMetricsContentType } from 'prom-client';
import { COLLECTOR_METRICS, DROP_REASONS, type DropReason } from '../names.js';
import type { MetricStore } from '../store/store.js';

/** `result` label values of loopscope_collector_exports_total. */
export const EXPORT_RESULTS = [
  'accepted',
  'partial',
  'malformed',
  'unauthorized',
  'too_large',
  'unsupported',
  'overloaded',
  'unavailable',
  'backlogged',
] as const;
export type ExportResult = (typeof EXPORT_RESULTS)[number];

export class SelfMetrics {
  readonly textRegistry = new Registry();
  readonly openMetricsRegistry = new Registry<OpenMetricsContentType>();
  private readonly exports: Counter<'result'>;
  private readonly points: Counter;
  private readonly dropped: Counter<'reason'>;

  constructor(store: MetricStore) {
    this.openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const registers = [this.textRegistry, this.openMetricsRegistry] as Registry[];
    this.exports = new Counter({
      name: COLLECTOR_METRICS.exports,
      help: 'OTLP export requests received, by result (accepted, partial, or why refused).',
      labelNames: ['result'],
      registers,
    });
    this.points = new Counter({
      name: COLLECTOR_METRICS.points,
      help: 'Data points accepted into the store.',
      registers,
    });
    this.dropped = new Counter({
      name: COLLECTOR_METRICS.droppedPoints,
      help: 'Data points not stored, by reason. Points of refused requests (unauthorized, too large, unreadable) are not counted: they are never read; see exports_total.',
      labelNames: ['reason'],
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

  drop(reason: DropReason, points: number): void {
    if (points > 0) this.dropped.inc({ reason }, points);
  }

  render(openMetrics: boolean): Promise<string> {
    return (openMetrics ? this.openMetricsRegistry : this.textRegistry).metrics();
  }
}
