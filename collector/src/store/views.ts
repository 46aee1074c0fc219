/**
 * Read-only views of the store for other parts of the collector (the UI's
 * API, the exposition). They are the store's live objects: read them
 * synchronously, do not keep them across ingests.
 */
import type { Attributes, Temporality } from '../otlp/model.js';
import type { FamilyType } from './naming.js';

export interface HistogramState {
  /** Explicit upper bounds; bucketCounts has one more entry (+Inf). */
  readonly bounds: readonly number[];
  /** Per-bucket counts (not cumulative), accumulated since startTimeMs. */
  readonly bucketCounts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export interface FamilyView {
  /** Family name, as the output names it (Prometheus: counters end in `_total`). */
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
}

export interface SenderView {
  readonly job: string;
  readonly instance: string;
  /** Resource attributes of the latest export. */
  readonly attributes: Attributes;
  readonly firstSeenMs: number;
  /** Collector clock, when the sender's last export arrived. */
  readonly lastSeenMs: number;
  readonly seriesCount: number;
}

export interface SeriesView {
  readonly sender: SenderView;
  /** OpenTelemetry metric name (of the first metric that created the series). */
  readonly metric: string;
  readonly unit: string;
  readonly family: FamilyView;
  /** How the points arrive; stored values are always cumulative since startTimeMs. */
  readonly temporality: Temporality | undefined;
  readonly attributes: Attributes;
  readonly startTimeMs: number;
  /** Sender clock, from the last accepted point. */
  readonly timeMs: number;
  /** Collector clock, when the last point was accepted. */
  readonly receivedAtMs: number;
  /** Gauge or counter value; for histograms, the count. */
  readonly value: number;
  readonly histogram: HistogramState | undefined;
}
