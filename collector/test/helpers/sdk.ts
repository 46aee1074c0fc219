/**
 * A real OpenTelemetry SDK MeterProvider whose collected ResourceMetrics the
 * tests serialize with the exporters' own serializers, so the decoder is
 * tested against the bytes real exporters send.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';

class ManualReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface SdkHarness {
  provider: MeterProvider;
  meter: ReturnType<MeterProvider['getMeter']>;
  collect(): Promise<ResourceMetrics>;
}

export function sdkHarness(
  resource: Record<string, string>,
  temporality: 'cumulative' | 'delta' = 'cumulative',
): SdkHarness {
  const t =
    temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  const reader = new ManualReader({ aggregationTemporalitySelector: () => t });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [reader],
  });
  return {
    provider,
    meter: provider.getMeter('loopscope-test'),
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors);
      return resourceMetrics;
    },
  };
}

export function serialize(rm: ResourceMetrics, encoding: 'protobuf' | 'json'): Buffer {
  const s = encoding === 'protobuf' ? ProtobufMetricsSerializer : JsonMetricsSerializer;
  const bytes = s.serializeRequest(rm);
  if (!bytes) throw new Error('serializer returned nothing');
  return Buffer.from(bytes);
}
