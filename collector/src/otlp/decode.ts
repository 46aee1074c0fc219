/**
 * Reads the metrics of a decoded ExportMetricsServiceRequest, whichever
 * encoding it came in, into the collector's model (the resource/scope walk
 * is walk.ts, shared with the logs decoder). protobufjs messages and OTLP/JSON objects
 * share field names (lowerCamelCase) and differ only in scalar encodings,
 * which the readers in values.ts absorb, so one walker serves both.
 *
 * Structural problems (a field of the wrong type) throw OtlpDecodeError: the
 * request cannot be trusted and gets a 400. Points that are readable but
 * unusable (non-finite values, bucket counts that do not add up, types
 * Prometheus exposition does not support) are left out and reported, so the
 * response can carry a partial_success.
 */
import type {
  Attributes,
  DecodedMetric,
  HistogramPoint,
  NumberPoint,
  ResourceMetrics,
  Temporality,
} from './model.js';
import type { DropReason } from '../self-metric-names.js';
import { Rejections } from '../rejections.js';
import { METRICS_SHAPE, walkExport } from './walk.js';
import { OtlpDecodeError, PointRejected } from './errors.js';
import {
  has,
  readArray,
  readAttributes,
  readDouble,
  readEnum,
  readInt64,
  readObject,
  readString,
  readBool,
  readUint64,
  type AttributeLimits,
  type Where,
} from './values.js';

export interface DecodeLimits extends AttributeLimits {
  /** Longest accepted metric name. */
  readonly maxNameLength: number;
  /** Most data points in one request (413 beyond); undefined = no limit. */
  readonly maxPoints?: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxAttributeLength: 4096,
  maxAttributes: 128,
  maxNameLength: 1024,
};

export interface DecodedExport {
  readonly resourceMetrics: ResourceMetrics[];
  /** Points accepted by the decoder. */
  accepted: number;
  /** Points left out, with reasons. */
  readonly rejections: Rejections;
}

const TEMPORALITY = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;

/** DataPointFlags.NO_RECORDED_VALUE: the point marks a gap, not a value. */
const NO_RECORDED_VALUE = 1;

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

export function decodeExport(
  request: unknown,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodedExport {
  const out: DecodedExport = { resourceMetrics: [], accepted: 0, rejections: new Rejections() };
  walkExport(request, METRICS_SHAPE, limits, ({ sender, senderError }) => {
    const metrics: DecodedMetric[] = [];
    return {
      record(metric, mAt) {
        const decoded = readMetric(metric, mAt, limits, out);
        if (decoded === undefined) return;
        if (senderError) {
          out.rejections.add(
            senderError.reason,
            decoded.points.length,
            `resource: ${senderError.message}`,
          );
          out.accepted -= decoded.points.length;
        } else metrics.push(decoded);
      },
      end() {
        if (sender && metrics.length > 0) out.resourceMetrics.push({ sender, metrics });
      },
    };
  });
  return out;
}

function readMetric(
  metric: Record<string, unknown>,
  mAt: Where,
  limits: DecodeLimits,
  out: DecodedExport,
): DecodedMetric | undefined {
  const name = readString(metric.name, () => `${mAt()}.name`);
  const unit = readString(metric.unit, () => `${mAt()}.unit`);
  const description = readString(metric.description, () => `${mAt()}.description`);
  let kind: (typeof DATA_KINDS)[number] | undefined;
  for (const k of DATA_KINDS) {
    if (!has(metric, k)) continue;
    if (kind !== undefined) {
      throw new OtlpDecodeError(
        `a metric has one of ${DATA_KINDS.join('/')}, found ${kind} and ${k}`,
        mAt(),
      );
    }
    kind = k;
  }
  // Only built for messages: most metrics are never rejected.
  const label = (): string => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
  if (kind === undefined) {
    out.rejections.add(
      'malformed',
      0,
      `metric ${label()}: no gauge, sum or histogram data (unknown metric type?)`,
    );
    return undefined;
  }
  const dAt = (): string => `${mAt()}.${kind}`;
  const data = readObject(metric[kind], dAt) ?? {};
  const raw = readArray(data.dataPoints, () => `${dAt()}.dataPoints`);
  if (raw.length === 0) return undefined;
  const whole = (why: string, reason: DropReason = 'malformed'): undefined => {
    out.rejections.add(
      reason,
      raw.length,
      `metric ${label()}: ${why}; its ${raw.length} point(s) were rejected`,
    );
    return undefined;
  };
  if (kind === 'exponentialHistogram' || kind === 'summary') {
    return whole(`${kind} is not supported (send explicit-bucket histograms)`);
  }
  if (name === '') return whole('the metric name is empty');
  if (name.length > limits.maxNameLength) {
    return whole(
      `the name is ${name.length} characters long, more than the limit of ${limits.maxNameLength}`,
      'too_large',
    );
  }
  let temporality: Temporality | undefined;
  if (kind !== 'gauge') {
    const t = readEnum(
      data.aggregationTemporality,
      TEMPORALITY,
      () => `${dAt()}.aggregationTemporality`,
    );
    if (t === 1) temporality = 'delta';
    else if (t === 2) temporality = 'cumulative';
    else return whole(`aggregation temporality ${t} is neither delta (1) nor cumulative (2)`);
  }
  const monotonic = kind === 'sum' && readBool(data.isMonotonic, () => `${dAt()}.isMonotonic`);
  const points: (NumberPoint | HistogramPoint)[] = [];
  let p = 0;
  const pAt = (): string => `${dAt()}.dataPoints[${p}]`;
  for (p = 0; p < raw.length; p++) {
    const point = readObject(raw[p], pAt);
    if (point === undefined) continue;
    try {
      const decoded =
        kind === 'histogram'
          ? readHistogramPoint(point, pAt, limits)
          : readNumberPoint(point, pAt, limits, monotonic);
      if (decoded) points.push(decoded);
    } catch (err) {
      if (!(err instanceof PointRejected)) throw err;
      out.rejections.add(err.reason, 1, `metric ${label()} point ${p}: ${err.message}`);
    }
  }
  out.accepted += points.length;
  if (points.length === 0) return undefined;
  if (kind === 'gauge')
    return { type: 'gauge', name, unit, description, points: points as NumberPoint[] };
  if (kind === 'sum') {
    return {
      type: 'sum',
      name,
      unit,
      description,
      monotonic,
      temporality: temporality!,
      points: points as NumberPoint[],
    };
  }
  return {
    type: 'histogram',
    name,
    unit,
    description,
    temporality: temporality!,
    points: points as HistogramPoint[],
  };
}

function readTimes(
  point: Record<string, unknown>,
  pAt: Where,
): { startTimeMs: number; timeMs: number } {
  const start = readUint64(point.startTimeUnixNano, () => `${pAt()}.startTimeUnixNano`);
  const time = readUint64(point.timeUnixNano, () => `${pAt()}.timeUnixNano`);
  if (time === 0) throw new PointRejected('timeUnixNano is missing');
  return { startTimeMs: start / 1e6, timeMs: time / 1e6 };
}

function readNumberPoint(
  point: Record<string, unknown>,
  pAt: Where,
  limits: DecodeLimits,
  monotonic: boolean,
): NumberPoint | undefined {
  const attributes: Attributes = readAttributes(
    point.attributes,
    limits,
    () => `${pAt()}.attributes`,
  );
  const { startTimeMs, timeMs } = readTimes(point, pAt);
  let value: number;
  if (has(point, 'asDouble')) value = readDouble(point.asDouble, () => `${pAt()}.asDouble`);
  else if (has(point, 'asInt')) value = readInt64(point.asInt, () => `${pAt()}.asInt`);
  else {
    const flags = readUint64(point.flags, () => `${pAt()}.flags`);
    if (flags & NO_RECORDED_VALUE) return undefined;
    throw new PointRejected('the point has neither asDouble nor asInt');
  }
  if (!Number.isFinite(value)) throw new PointRejected(`value ${value} is not finite`);
  if (monotonic && value < 0) throw new PointRejected(`monotonic sum has negative value ${value}`);
  return { attributes, startTimeMs, timeMs, value };
}

function readHistogramPoint(
  point: Record<string, unknown>,
  pAt: Where,
  limits: DecodeLimits,
): HistogramPoint {
  const attributes: Attributes = readAttributes(
    point.attributes,
    limits,
    () => `${pAt()}.attributes`,
  );
  const { startTimeMs, timeMs } = readTimes(point, pAt);
  const count = readUint64(point.count, () => `${pAt()}.count`);
  // sum is optional in OTLP (absent when observations may be negative);
  // Prometheus needs one, so an absent sum is exposed as 0 as the OTel Collector does.
  const sum = has(point, 'sum') ? readDouble(point.sum, () => `${pAt()}.sum`) : 0;
  const rawCounts = readArray(point.bucketCounts, () => `${pAt()}.bucketCounts`);
  const rawBounds = readArray(point.explicitBounds, () => `${pAt()}.explicitBounds`);
  // One `where` per array, reading the loop index, rather than one closure per element.
  let i = 0;
  const countAt = (): string => `${pAt()}.bucketCounts[${i}]`;
  const boundAt = (): string => `${pAt()}.explicitBounds[${i}]`;
  const bucketCounts = new Array<number>(rawCounts.length);
  for (i = 0; i < rawCounts.length; i++) bucketCounts[i] = readUint64(rawCounts[i], countAt);
  let bounds = new Array<number>(rawBounds.length);
  for (i = 0; i < rawBounds.length; i++) bounds[i] = readDouble(rawBounds[i], boundAt);
  if (!Number.isFinite(sum)) throw new PointRejected(`sum ${sum} is not finite`);
  if (bucketCounts.length === 0) {
    // No buckets: everything is in +Inf.
    bounds = [];
    bucketCounts.push(count);
  } else if (bucketCounts.length !== bounds.length + 1) {
    throw new PointRejected(
      `${bucketCounts.length} bucket counts for ${bounds.length} explicit bounds (expected ${bounds.length + 1})`,
    );
  }
  for (i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (!Number.isFinite(b)) throw new PointRejected(`explicit bound ${i} is ${b}, not finite`);
    if (i > 0 && !(b > bounds[i - 1]!))
      throw new PointRejected(`explicit bounds are not strictly increasing at index ${i}`);
  }
  let total = 0;
  for (const c of bucketCounts) total += c;
  if (total !== count)
    throw new PointRejected(`bucket counts add up to ${total} but count is ${count}`);
  const result: HistogramPoint = {
    attributes,
    startTimeMs,
    timeMs,
    count,
    sum,
    bounds,
    bucketCounts,
  };
  const min = has(point, 'min') ? readDouble(point.min, () => `${pAt()}.min`) : undefined;
  const max = has(point, 'max') ? readDouble(point.max, () => `${pAt()}.max`) : undefined;
  if (min === undefined && max === undefined) return result;
  return {
    ...result,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  };
}
