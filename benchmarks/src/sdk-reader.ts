/**
 * An OpenTelemetry SDK MeterProvider read on demand (no timer), for timing
 * collections and for building real agent exports.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

class ManualReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ManualProvider {
  readonly provider: MeterProvider;
  collect(): Promise<ResourceMetrics>;
}

export function manualProvider(resource: Record<string, string | number>): ManualProvider {
  const reader = new ManualReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
  });
  return {
    provider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'collection failed');
      return resourceMetrics;
    },
  };
}
