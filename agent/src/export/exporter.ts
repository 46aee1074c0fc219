/**
 * The metric exporter for the configured protocol, cumulative temporality.
 * `http/protobuf` (the default) is our own serializer on the SDK's HTTP
 * transport (otlp-metric-exporter.ts): per export it costs less CPU than the
 * SDK's protobuf exporter, and it does not load `otlp-transformer` and the
 * exporter packages (benchmarks/README.md, "Export path"). `http/json` is
 * the same exporter with the SDK's JSON serializer (otlp-metrics-json.ts),
 * imported on the first export so that the default path never pays its
 * heap; both log a collector's partial_success the same way.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  AggregationType,
  type AggregationOption,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ResolvedOptions } from '../options.js';
import { LoopscopeMetricExporter } from './otlp-metric-exporter.js';
import { ReportingExporter } from './reporting-exporter.js';
import { SelfTimedExporter } from './self-timed-exporter.js';

export interface ExporterConfig {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly timeoutMillis: number;
}

/** The OTLP/JSON exporter, loaded when first used. */
class LazyJsonExporter implements PushMetricExporter {
  private inner: Promise<PushMetricExporter> | undefined;

  constructor(private readonly config: ExporterConfig) {}

  private load(): Promise<PushMetricExporter> {
    this.inner ??= import('./otlp-metrics-json.js').then(
      ({ jsonWire }) => new LoopscopeMetricExporter(this.config, jsonWire()),
    );
    return this.inner;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.load().then(
      (inner) => inner.export(metrics, resultCallback),
      (err: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: err instanceof Error ? err : new Error(String(err)),
        }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.inner) await (await this.inner).forceFlush();
  }

  async shutdown(): Promise<void> {
    if (this.inner) await (await this.inner).shutdown();
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(): AggregationOption {
    return { type: AggregationType.DEFAULT };
  }
}

/** The bare exporter for a protocol (benchmarks compare them). */
export function createProtocolExporter(
  protocol: ResolvedOptions['protocol'],
  config: ExporterConfig,
): PushMetricExporter {
  return protocol === 'http/json'
    ? new LazyJsonExporter(config)
    : new LoopscopeMetricExporter(config);
}

export function createMetricExporter(options: ResolvedOptions): PushMetricExporter {
  const inner = createProtocolExporter(options.protocol, {
    url: options.metricsUrl,
    headers: { ...options.headers },
    timeoutMillis: options.exportTimeoutMs,
  });
  return new ReportingExporter(
    new SelfTimedExporter(inner, options.metricsUrl),
    options.metricsUrl,
  );
}
