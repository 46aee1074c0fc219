/**
 * The metrics decoder's entry points: an OTLP/HTTP body in either encoding
 * -> the collector's model. A pure function of the bytes, so tests and
 * benchmarks drive it without HTTP.
 */
import type { ResourceMetrics } from './model.js';
import {
  decodeExport,
  DEFAULT_DECODE_LIMITS,
  type DecodedExport,
  type DecodeLimits,
} from './decode.js';
import { ExportMetricsServiceRequest } from './proto.js';
import { countJsonPoints, countProtobufPoints } from './count.js';
import { OtlpTooLarge } from './errors.js';
import { parseJson, parseProtobuf, type OtlpEncoding } from './wire.js';

/**
 * Decode an ExportMetricsServiceRequest, with every rejected point counted
 * and explained. Throws OtlpDecodeError when the body cannot be read at all,
 * OtlpTooLarge when it holds more than limits.maxPoints points (counted
 * before the protobuf decode, which would hold the event loop).
 */
export function decodeMetricsExport(
  body: Uint8Array,
  encoding: OtlpEncoding,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodedExport {
  const max = limits.maxPoints ?? Infinity;
  if (encoding === 'protobuf') checkPoints(countProtobufPoints(body, max), max);
  const tree =
    encoding === 'protobuf' ? parseProtobuf(ExportMetricsServiceRequest, body) : parseJson(body);
  if (encoding === 'json') checkPoints(countJsonPoints(tree), max);
  return decodeExport(tree, limits);
}

function checkPoints(points: number | undefined, max: number): void {
  if (points === undefined || points <= max) return;
  throw new OtlpTooLarge(
    `the export holds more than ${max} data points, the limit per request (--max-points-per-request); send them in smaller exports`,
  );
}

/** The accepted resource metrics only (rejected points are left out). */
export function decodeMetricsRequest(body: Uint8Array, encoding: OtlpEncoding): ResourceMetrics[] {
  return decodeMetricsExport(body, encoding).resourceMetrics;
}
