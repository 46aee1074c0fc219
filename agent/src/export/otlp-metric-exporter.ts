/**
 * The agent's OTLP/HTTP metric exporter: a serializer (ours for protobuf,
 * otlp-metrics-protobuf.ts; the SDK's for JSON, otlp-metrics-json.ts) on the
 * OpenTelemetry SDK's own HTTP transport
 * (`@opentelemetry/otlp-exporter-base/node-http`), the one the SDK's
 * `OTLPMetricExporter` uses: the same `OTEL_EXPORTER_OTLP_[METRICS_]*`
 * variables (headers, timeout, compression, certificates), the same retries
 * with backoff on 429/502/503/504 inside the export timeout, the same
 * keep-alive agent and the same limit of concurrent exports. It is a
 * `PushMetricExporter`, so apps with their own `MeterProvider` can use it in
 * their own `PeriodicExportingMetricReader`. Temporality is cumulative
 * (what the collector and Prometheus expect). Both encodings read the
 * collector's partial_success and log it once per kind of rejection
 * (partial-success-log.ts), rather than leaving it to the SDK's diag.
 */
import type { ExportResult } from '@opentelemetry/core';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  AggregationTemporality,
  AggregationType,
  type AggregationOption,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { OtlpMetricsProtobufSerializer } from './otlp-metrics-protobuf.js';
import { decodePartialSuccess, type ExportMetricsResponse } from './otlp-response.js';
import { logPartialSuccess } from './partial-success-log.js';

export interface LoopscopeMetricExporterConfig {
  /** Full metrics URL; without it, `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`. */
  url?: string;
  headers?: Record<string, string>;
  timeoutMillis?: number;
}

/** The SDK exporter's self-observability name; its meter is a no-op unless given a provider. */
const COMPONENT_TYPE = 'otlp_http_metric_exporter';
const DATA_POINTS = {
  name: 'metric_data_point' as const,
  countItems(request: ResourceMetrics): number {
    let count = 0;
    for (const scope of request.scopeMetrics)
      for (const metric of scope.metrics) count += metric.dataPoints.length;
    return count;
  },
};
const DEFAULT_AGGREGATION: AggregationOption = { type: AggregationType.DEFAULT };

/** One OTLP/HTTP encoding: how a request is written and an answer's partial_success read. */
export interface MetricsWire {
  readonly contentType: string;
  serialize(data: ResourceMetrics): Uint8Array | undefined;
  /** The body of a 2xx answer; throws when it cannot be read (the transport logs that). */
  decodeResponse(body: Uint8Array): ExportMetricsResponse;
}

/** http/protobuf: our serializer and a reader of partial_success alone. */
export function protobufWire(): MetricsWire {
  const serializer = new OtlpMetricsProtobufSerializer();
  return {
    contentType: 'application/x-protobuf',
    serialize: (data) => serializer.serialize(data),
    decodeResponse: decodePartialSuccess,
  };
}

export class LoopscopeMetricExporter implements PushMetricExporter {
  private readonly delegate;

  constructor(config: LoopscopeMetricExporterConfig = {}, wire: MetricsWire = protobufWire()) {
    const options = convertLegacyHttpOptions(config, 'METRICS', 'v1/metrics', {
      'Content-Type': wire.contentType,
    });
    this.delegate = createOtlpHttpExportDelegate<ResourceMetrics, ExportMetricsResponse>(
      options,
      {
        serializeRequest: (data) => wire.serialize(data),
        // The transport hands the body of a 2xx answer here: the one place partial_success is seen.
        deserializeResponse: (body) => {
          const response = wire.decodeResponse(body);
          logPartialSuccess(response, options.url);
          return response;
        },
      },
      COMPONENT_TYPE,
      DATA_POINTS,
      undefined,
    );
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.delegate.export(metrics, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.delegate.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.delegate.shutdown();
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(): AggregationOption {
    return DEFAULT_AGGREGATION;
  }
}
