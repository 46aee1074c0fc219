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
import { parseJson, parseProtobuf, type OtlpEncoding } from './wire.js';

/**
 * Decode an ExportMetricsServiceRequest, with every rejected point counted
 * and explained. Throws OtlpDecodeError when the body cannot be read at all.
 */
export function decodeMetricsExport(
  body: Uint8Array,
  encoding: OtlpEncoding,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodedExport {
  const tree =
    encoding === 'protobuf' ? parseProtobuf(ExportMetricsServiceRequest, body) : parseJson(body);
  return decodeExport(tree, limits);
}

/** The accepted resource metrics only (rejected points are left out). */
export function decodeMetricsRequest(body: Uint8Array, encoding: OtlpEncoding): ResourceMetrics[] {
  return decodeMetricsExport(body, encoding).resourceMetrics;
}
