/**
 * A sender's stored series as Prometheus samples: the one conversion shared
 * by every output. `GET /metrics` renders the samples as text
 * (exposition.ts), remote write encodes them as protobuf (remote-write/), so
 * both name and label every sample exactly alike: `_bucket{le}` (cumulative,
 * +Inf last), `_sum`, `_count`, the family name (counters end in `_total`),
 * and the sender's `job`, `instance` and promoted labels before the point's.
 *
 * Labels are passed as rendered label text (`a="x",b="y"`); the remote-write
 * encoder parses that text once per series shape (labels.ts parseLabelText).
 */
import type { HistogramState } from '../store/views.js';
import type { Attributes } from '../otlp/model.js';
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import { attributeLabels, joinLabels, labelPair } from './labels.js';

/**
 * Receives one sample. `le` is set for histogram buckets (the bucket's
 * upper bound as text, `+Inf` last) and is the sample's last label.
 */
export type SampleSink = (name: string, labels: string, value: number, le?: string) => void;

/** `le` texts of a bounds array; series of one metric share their bounds array. */
const leTexts = new WeakMap<readonly number[], string[]>();

export function leOf(bounds: readonly number[]): string[] {
  let texts = leTexts.get(bounds);
  if (!texts) {
    texts = bounds.map((b) => String(b));
    leTexts.set(bounds, texts);
  }
  return texts;
}

/** The samples of one histogram: cumulative buckets, then `_sum` and `_count`. */
export function histogramSamples(
  name: string,
  labels: string,
  h: HistogramState,
  emit: SampleSink,
): void {
  const les = leOf(h.bounds);
  const bucket = `${name}_bucket`;
  let cumulative = 0;
  for (let i = 0; i < les.length; i++) {
    cumulative += h.bucketCounts[i]!;
    emit(bucket, labels, cumulative, les[i]);
  }
  emit(bucket, labels, h.count, '+Inf');
  emit(`${name}_sum`, labels, h.sum);
  emit(`${name}_count`, labels, h.count);
}

/** What a series needs to become samples (a store series, a per-job accumulator). */
export interface SampleSource {
  readonly value: number;
  readonly histogram: HistogramState | undefined;
}

/** The samples of one series of family `name`, labelled `labels` (sender's and point's). */
export function seriesSamples(
  name: string,
  labels: string,
  s: SampleSource,
  emit: SampleSink,
): void {
  if (s.histogram) histogramSamples(name, labels, s.histogram, emit);
  else emit(name, labels, s.value);
}

/** A series' full label text: the sender's labels, then the point's. */
export function seriesLabels(senderLabels: string, pointLabels: string): string {
  return joinLabels(senderLabels, pointLabels);
}

const IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);
const TARGET_RESERVED = new Set(['job', 'instance']);

/** The identity of a sender as `job` and (when set) `instance` labels. */
export function identityLabels(job: string, instance: string): string {
  return instance === ''
    ? labelPair('job', job)
    : `${labelPair('job', job)},${labelPair('instance', instance)}`;
}

/** `target_info`'s labels for a sender: its identity and every other resource attribute. */
export function targetInfoLabels(job: string, instance: string, attributes: Attributes): string {
  const attrs: Record<string, Attributes[string]> = Object.create(null) as Record<
    string,
    Attributes[string]
  >;
  for (const [k, v] of Object.entries(attributes)) if (!IDENTITY.has(k)) attrs[k] = v;
  return joinLabels(identityLabels(job, instance), attributeLabels(attrs, TARGET_RESERVED));
}

/** What the per-sender samples below need of a sender. */
export interface SenderSource {
  readonly job: string;
  readonly instance: string;
  readonly attributes: Attributes;
  readonly lastSeenMs: number;
}

/**
 * The per-sender samples outside its metric families: `target_info` (value
 * 1) and `loopscope_sender_last_seen_timestamp_seconds`, named and labelled
 * as `GET /metrics` has them.
 */
export function senderSamples(sender: SenderSource, emit: SampleSink): void {
  emit(
    COLLECTOR_METRICS.targetInfo,
    targetInfoLabels(sender.job, sender.instance, sender.attributes),
    1,
  );
  emit(
    COLLECTOR_METRICS.senderLastSeen,
    identityLabels(sender.job, sender.instance),
    sender.lastSeenMs / 1000,
  );
}
