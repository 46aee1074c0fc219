/**
 * http/json: the OpenTelemetry SDK's JSON serializer (the one its
 * OTLPMetricExporter uses, so requests are byte for byte what they were),
 * on our exporter, so a collector's partial_success is logged as on the
 * protobuf path. Loaded on the first JSON export only (exporter.ts): the
 * default protobuf path never pays for otlp-transformer.
 */
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { MetricsWire } from './otlp-metric-exporter.js';
import type { ExportMetricsResponse } from './otlp-response.js';

/** JSON spells int64 as a string ("3"); anything but a count reads as none. */
function countOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

export function jsonWire(): MetricsWire {
  return {
    contentType: 'application/json',
    serialize: (data) => JsonMetricsSerializer.serializeRequest(data),
    decodeResponse(body: Uint8Array): ExportMetricsResponse {
      const raw = JsonMetricsSerializer.deserializeResponse(body) as {
        partialSuccess?: { rejectedDataPoints?: unknown; errorMessage?: unknown };
      } | null;
      const partial = raw?.partialSuccess;
      if (!partial || typeof partial !== 'object') return {};
      return {
        partialSuccess: {
          rejectedDataPoints: countOf(partial.rejectedDataPoints),
          errorMessage: typeof partial.errorMessage === 'string' ? partial.errorMessage : undefined,
        },
      };
    },
  };
}
