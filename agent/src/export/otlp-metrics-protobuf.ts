/**
 * OTLP/protobuf `ExportMetricsServiceRequest` written directly from the
 * SDK's `ResourceMetrics`, in one pass into a reused buffer. Field numbers
 * are those of opentelemetry-proto v1 (`collector/metrics/v1`,
 * `metrics/v1`, `common/v1`, `resource/v1`); fields are written in the same
 * order as `@opentelemetry/otlp-transformer`'s `ProtobufMetricsSerializer`,
 * so for the same data the bytes are identical (tested). The parts that do
 * not change between exports (the resource, each scope, each metric's name,
 * description and unit) are encoded once and copied afterwards.
 *
 * Exemplars are never written (the agent records none), nor point flags
 * (always 0). Exponential histograms are written too, for apps that pass
 * their own views to the exporter.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { ProtobufWriter } from './protobuf-writer.js';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;

type Resource = ResourceMetrics['resource'];
type Scope = ScopeMetrics['scope'];
type Descriptor = MetricData['descriptor'];

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

export class OtlpMetricsProtobufSerializer {
  private readonly w = new ProtobufWriter();
  private readonly resources = new WeakMap<Resource, Uint8Array>();
  private readonly scopes = new WeakMap<Scope, Uint8Array>();
  private readonly headers = new WeakMap<Descriptor, Uint8Array>();

  serialize(data: ResourceMetrics): Uint8Array {
    const w = this.w;
    w.reset();
    w.tag(1, LEN); // ExportMetricsServiceRequest.resource_metrics
    const request = w.begin();
    this.cached(
      this.resources,
      data.resource,
      () => writeResource(w, data.resource),
      cacheable(data.resource),
    );
    for (const scopeMetrics of data.scopeMetrics) {
      w.tag(2, LEN); // ResourceMetrics.scope_metrics
      const sm = w.begin();
      this.cached(this.scopes, scopeMetrics.scope, () => writeScope(w, scopeMetrics.scope), true);
      for (const metric of scopeMetrics.metrics) this.metric(metric);
      if (scopeMetrics.scope.schemaUrl) {
        w.tag(3, LEN); // ScopeMetrics.schema_url
        w.string(scopeMetrics.scope.schemaUrl);
      }
      w.end(sm);
    }
    if (data.resource.schemaUrl) {
      w.tag(3, LEN); // ResourceMetrics.schema_url
      w.string(data.resource.schemaUrl);
    }
    w.end(request);
    return w.finish();
  }

  /** Writes `write`'s bytes, encoding them once per key. */
  private cached<K extends object>(
    cache: WeakMap<K, Uint8Array>,
    key: K,
    write: () => void,
    canCache: boolean,
  ): void {
    const bytes = cache.get(key);
    if (bytes) {
      this.w.raw(bytes);
      return;
    }
    const start = this.w.pos;
    write();
    if (canCache) cache.set(key, this.w.copyFrom(start));
  }

  private metric(metric: MetricData): void {
    const w = this.w;
    const d = metric.descriptor;
    w.tag(2, LEN); // ScopeMetrics.metrics
    const m = w.begin();
    this.cached(this.headers, d, () => writeHeader(w, d), true);
    switch (metric.dataPointType) {
      case DataPointType.GAUGE: {
        w.tag(5, LEN); // Metric.gauge
        const g = w.begin();
        writeNumberPoints(w, metric.dataPoints, d.valueType);
        w.end(g);
        break;
      }
      case DataPointType.SUM: {
        w.tag(7, LEN); // Metric.sum
        const s = w.begin();
        writeNumberPoints(w, metric.dataPoints, d.valueType);
        writeTemporality(w, metric.aggregationTemporality);
        if (metric.isMonotonic) {
          w.tag(3, VARINT); // Sum.is_monotonic
          w.varint32(1);
        }
        w.end(s);
        break;
      }
      case DataPointType.HISTOGRAM: {
        w.tag(9, LEN); // Metric.histogram
        const h = w.begin();
        for (const point of metric.dataPoints) writeHistogramPoint(w, point);
        writeTemporality(w, metric.aggregationTemporality);
        w.end(h);
        break;
      }
      case DataPointType.EXPONENTIAL_HISTOGRAM: {
        w.tag(10, LEN); // Metric.exponential_histogram
        const h = w.begin();
        for (const point of metric.dataPoints) writeExponentialPoint(w, point);
        writeTemporality(w, metric.aggregationTemporality);
        w.end(h);
        break;
      }
    }
    w.end(m);
  }
}

/** A resource whose async attributes are still pending may change: not cached. */
function cacheable(resource: Resource): boolean {
  return !resource.asyncAttributesPending;
}

function writeResource(w: ProtobufWriter, resource: Resource): void {
  w.tag(1, LEN); // ResourceMetrics.resource
  const r = w.begin();
  writeAttributes(w, resource.attributes, 1); // Resource.attributes
  w.tag(2, VARINT); // Resource.dropped_attributes_count: 0, written as the SDK does
  w.varint32(0);
  w.end(r);
}

function writeScope(w: ProtobufWriter, scope: Scope): void {
  w.tag(1, LEN); // ScopeMetrics.scope
  const s = w.begin();
  w.tag(1, LEN); // InstrumentationScope.name
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LEN); // InstrumentationScope.version
    w.string(scope.version);
  }
  const extra = scope as { attributes?: Attributes; droppedAttributesCount?: number };
  if (extra.attributes) writeAttributes(w, extra.attributes, 3);
  if (extra.droppedAttributesCount) {
    w.tag(4, VARINT);
    w.varint32(extra.droppedAttributesCount);
  }
  w.end(s);
}

function writeHeader(w: ProtobufWriter, d: Descriptor): void {
  w.tag(1, LEN); // Metric.name
  w.string(d.name);
  if (d.description) {
    w.tag(2, LEN); // Metric.description
    w.string(d.description);
  }
  if (d.unit) {
    w.tag(3, LEN); // Metric.unit
    w.string(d.unit);
  }
}

function writeTemporality(w: ProtobufWriter, temporality: AggregationTemporality): void {
  const value =
    temporality === AggregationTemporality.DELTA
      ? 1
      : temporality === AggregationTemporality.CUMULATIVE
        ? 2
        : 0;
  if (value === 0) return;
  w.tag(2, VARINT); // Sum/Histogram.aggregation_temporality
  w.varint32(value);
}

/** HrTime to nanoseconds since the epoch as fixed64, exactly (seconds * 1e9 exceeds 2^53). */
function writeTime(w: ProtobufWriter, time: HrTime): void {
  const [seconds, nanos] = time;
  const lowSeconds = seconds & 0xffff;
  const highSeconds = (seconds / 0x10000) >>> 0;
  const fromLow = lowSeconds * 1e9;
  const fromHigh = highSeconds * 1e9;
  const low = (fromLow >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
  const high =
    (Math.floor(fromLow / 0x100000000) +
      ((fromHigh / 0x10000) >>> 0) +
      Math.floor(low / 0x100000000)) >>>
    0;
  w.fixed64(low >>> 0, high);
}

function writeNumberPoints(
  w: ProtobufWriter,
  points: readonly DataPoint<number>[],
  valueType: ValueType,
): void {
  for (const point of points) {
    w.tag(1, LEN); // Gauge/Sum.data_points
    const p = w.begin();
    w.tag(2, FIXED64); // NumberDataPoint.start_time_unix_nano
    writeTime(w, point.startTime);
    w.tag(3, FIXED64); // time_unix_nano
    writeTime(w, point.endTime);
    if (valueType === ValueType.INT) {
      w.tag(6, FIXED64); // as_int (sfixed64)
      w.sfixed64(point.value);
    } else {
      w.tag(4, FIXED64); // as_double
      w.double(point.value);
    }
    writeAttributes(w, point.attributes, 7);
    w.end(p);
  }
}

function writeHistogramPoint(w: ProtobufWriter, point: DataPoint<Histogram>): void {
  const h = point.value;
  w.tag(1, LEN); // Histogram.data_points
  const p = w.begin();
  w.tag(2, FIXED64); // HistogramDataPoint.start_time_unix_nano
  writeTime(w, point.startTime);
  w.tag(3, FIXED64); // time_unix_nano
  writeTime(w, point.endTime);
  w.tag(4, FIXED64); // count
  w.fixed64Number(h.count);
  if (h.sum !== undefined) {
    w.tag(5, FIXED64); // sum
    w.double(h.sum);
  }
  if (h.buckets.counts.length > 0) {
    w.tag(6, LEN); // bucket_counts, packed fixed64
    w.varint32(h.buckets.counts.length * 8);
    for (const count of h.buckets.counts) w.fixed64Number(count);
  }
  if (h.buckets.boundaries.length > 0) {
    w.tag(7, LEN); // explicit_bounds, packed double
    w.varint32(h.buckets.boundaries.length * 8);
    for (const bound of h.buckets.boundaries) w.double(bound);
  }
  writeAttributes(w, point.attributes, 9);
  if (h.min !== undefined) {
    w.tag(11, FIXED64); // min
    w.double(h.min);
  }
  if (h.max !== undefined) {
    w.tag(12, FIXED64); // max
    w.double(h.max);
  }
  w.end(p);
}

function writeBuckets(w: ProtobufWriter, offset: number, counts: readonly number[]): void {
  const b = w.begin();
  if (offset !== 0) {
    w.tag(1, VARINT); // Buckets.offset, sint32
    w.varint32(((offset << 1) ^ (offset >> 31)) >>> 0);
  }
  if (counts.length > 0) {
    w.tag(2, LEN); // Buckets.bucket_counts, packed uint64
    const c = w.begin();
    for (const count of counts) w.varint64(count);
    w.end(c);
  }
  w.end(b);
}

function writeExponentialPoint(w: ProtobufWriter, point: DataPoint<ExponentialHistogram>): void {
  const h = point.value;
  w.tag(1, LEN); // ExponentialHistogram.data_points
  const p = w.begin();
  writeAttributes(w, point.attributes, 1);
  w.tag(2, FIXED64);
  writeTime(w, point.startTime);
  w.tag(3, FIXED64);
  writeTime(w, point.endTime);
  w.tag(4, FIXED64); // count
  w.fixed64Number(h.count);
  if (h.sum !== undefined) {
    w.tag(5, FIXED64); // sum
    w.double(h.sum);
  }
  if (h.scale !== 0) {
    w.tag(6, VARINT); // scale, sint32
    w.varint32(((h.scale << 1) ^ (h.scale >> 31)) >>> 0);
  }
  w.tag(7, FIXED64); // zero_count
  w.fixed64Number(h.zeroCount);
  w.tag(8, LEN); // positive
  writeBuckets(w, h.positive.offset, h.positive.bucketCounts);
  w.tag(9, LEN); // negative
  writeBuckets(w, h.negative.offset, h.negative.bucketCounts);
  if (h.min !== undefined) {
    w.tag(12, FIXED64); // min
    w.double(h.min);
  }
  if (h.max !== undefined) {
    w.tag(13, FIXED64); // max
    w.double(h.max);
  }
  w.end(p);
}

/** Repeated KeyValue at `field`, in the attributes' own key order. */
function writeAttributes(
  w: ProtobufWriter,
  attributes: Attributes | undefined,
  field: number,
): void {
  if (!attributes) return;
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    w.tag(field, LEN);
    const kv = w.begin();
    writeKeyValue(w, key, attributes[key]);
    w.end(kv);
  }
}

function writeKeyValue(w: ProtobufWriter, key: string, value: unknown): void {
  w.tag(1, LEN); // KeyValue.key
  w.string(key);
  w.tag(2, LEN); // KeyValue.value
  const v = w.begin();
  writeAnyValue(w, value);
  w.end(v);
}

/** AnyValue, with the SDK's mapping: integers in int64 range as int_value, other numbers as double_value. */
function writeAnyValue(w: ProtobufWriter, value: unknown): void {
  if (typeof value === 'string') {
    w.tag(1, LEN);
    w.string(value);
  } else if (typeof value === 'boolean') {
    w.tag(2, VARINT);
    w.varint32(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
      w.tag(3, VARINT);
      w.varint64(value);
    } else {
      w.tag(4, FIXED64);
      w.double(value);
    }
  } else if (value instanceof Uint8Array) {
    w.tag(7, LEN);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LEN); // array_value
    const a = w.begin();
    for (const item of value as unknown[]) {
      w.tag(1, LEN); // ArrayValue.values
      const i = w.begin();
      writeAnyValue(w, item);
      w.end(i);
    }
    w.end(a);
  } else if (typeof value === 'object' && value !== null) {
    w.tag(6, LEN); // kvlist_value
    const l = w.begin();
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      w.tag(1, LEN); // KeyValueList.values
      const kv = w.begin();
      writeKeyValue(w, key, (value as Record<string, unknown>)[key]);
      w.end(kv);
    }
    w.end(l);
  }
  // undefined and null: an empty AnyValue, as the SDK writes it.
}
