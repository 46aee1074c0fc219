/**
 * The collector's decoded form of an OTLP metrics export, independent of the
 * wire encoding (protobuf or JSON). The decoder produces it; the store, the
 * UI history and the logs/events side consume it.
 */

export type AttrValue = string | number | boolean;
export type Attributes = Readonly<Record<string, AttrValue>>;

export interface Sender {
  /** `service.namespace/service.name`, or `service.name` alone. */
  readonly job: string;
  /** `service.instance.id`. */
  readonly instance: string;
  /** All resource attributes (for target_info). */
  readonly attributes: Attributes;
}

export type Temporality = 'cumulative' | 'delta';

interface PointBase {
  readonly attributes: Attributes;
  /** Milliseconds since the epoch (fractional). */
  readonly startTimeMs: number;
  readonly timeMs: number;
}

export interface NumberPoint extends PointBase {
  readonly value: number;
}

export interface HistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number;
  /** Explicit upper bounds; bucketCounts has bounds.length + 1 entries (last is +Inf). */
  readonly bounds: readonly number[];
  readonly bucketCounts: readonly number[];
  readonly min?: number;
  readonly max?: number;
}

interface MetricBase {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

export type DecodedMetric =
  | (MetricBase & { readonly type: 'gauge'; readonly points: readonly NumberPoint[] })
  | (MetricBase & {
      readonly type: 'sum';
      readonly monotonic: boolean;
      readonly temporality: Temporality;
      readonly points: readonly NumberPoint[];
    })
  | (MetricBase & {
      readonly type: 'histogram';
      readonly temporality: Temporality;
      readonly points: readonly HistogramPoint[];
    });

export interface ResourceMetrics {
  readonly sender: Sender;
  readonly metrics: readonly DecodedMetric[];
}

/**
 * Called after every accepted export, with what was accepted, so other parts
 * (the UI's history ring buffer) can follow ingest without touching the store.
 */
export type ExportListener = (batch: readonly ResourceMetrics[], receivedAtMs: number) => void;
