/** The OTLP/HTTP metric exporter for the configured protocol, cumulative temporality. */
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ResolvedOptions } from '../options.js';
import { ReportingExporter } from './reporting-exporter.js';
import { SelfTimedExporter } from './self-timed-exporter.js';

export function createMetricExporter(options: ResolvedOptions): PushMetricExporter {
  const config = {
    url: options.metricsUrl,
    headers: { ...options.headers },
    timeoutMillis: options.exportTimeoutMs,
    temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
  };
  const inner =
    options.protocol === 'http/json' ? new JsonExporter(config) : new ProtoExporter(config);
  return new ReportingExporter(
    new SelfTimedExporter(inner, options.metricsUrl),
    options.metricsUrl,
  );
}
