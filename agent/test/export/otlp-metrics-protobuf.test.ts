/**
 * Our OTLP/protobuf serializer against the OpenTelemetry SDK's own:
 * byte-for-byte equal to `ProtobufMetricsSerializer` (the SDK protobuf
 * exporter's body) for every metric kind the agent emits, and decoded by
 * the collector to the same data as the SDK's JSON serializer's body.
 * (`@opentelemetry/otlp-transformer` 0.223 no longer ships generated
 * protobuf decoding code: its protobuf side is a writer only, so byte
 * equality with it is the strongest check it offers.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { decodeMetricsRequest } from '@loopscope/collector';
import { OtlpMetricsProtobufSerializer } from '../../src/export/otlp-metrics-protobuf.js';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { SCOPE_NAME } from '../../src/names.js';

/** Every attribute value type the API allows, in the resource and in point attributes. */
const ATTRIBUTES = {
  'service.name': 'checkout',
  'str.utf8': 'Zürich ☃ 東京',
  'str.long': 'x'.repeat(300),
  'str.empty': '',
  'bool.true': true,
  'bool.false': false,
  'int.small': 7,
  'int.zero': 0,
  'int.negative': -42,
  'int.large': 2 ** 40 + 3,
  'double.value': 0.25,
  'double.negative': -1.5e-9,
  'array.str': ['a', 'b'],
  'array.num': [1, 2.5],
  'array.bool': [true, false],
  'array.empty': [],
};

async function collect(withAgent: boolean): Promise<ResourceMetrics> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 2 ** 30 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(ATTRIBUTES),
    readers: [reader],
  });
  const stops: (() => unknown)[] = [() => provider.shutdown()];
  try {
    if (withAgent) {
      const handle = registerLoopscopeMetrics(provider.getMeter(SCOPE_NAME, '1.2.3'), {
        threadPoolProbeIntervalMs: 0,
        blockThresholdMs: 0,
      });
      stops.unshift(() => handle.stop());
      // Histograms with samples in several buckets.
      await new Promise((r) => setTimeout(r, 350));
    }
    const meter = provider.getMeter('test-scope', '0.1.0', { schemaUrl: 'https://x/schema' });
    meter.createCounter('c.double', { unit: 's', description: 'a counter' }).add(1.5, { a: 'b' });
    meter.createCounter('c.int', { valueType: ValueType.INT }).add(3);
    meter.createUpDownCounter('updown').add(-2.5, { 'int.negative': -42 });
    meter.createUpDownCounter('updown.int', { valueType: ValueType.INT }).add(-5);
    meter.createGauge('gauge', { unit: 'By' }).record(123.456, ATTRIBUTES);
    meter.createGauge('gauge.int', { valueType: ValueType.INT }).record(-(2 ** 33));
    const h = meter.createHistogram('hist', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.001, 0.01, 0.1, 1] },
    });
    for (const v of [0.0005, 0.005, 0.05, 0.5, 5, 50]) h.record(v, { route: '/a' });
    h.record(0.02, { route: '/b' });
    meter
      .createHistogram('hist.empty.bounds', { advice: { explicitBucketBoundaries: [] } })
      .record(1);
    meter.createObservableGauge('observable', { description: 'observed' }).addCallback((o) => {
      o.observe(1, { kind: 'x' });
      o.observe(2, { kind: 'y' });
    });
    await reader.forceFlush();
    const metrics = exporter.getMetrics();
    assert.equal(metrics.length, 1);
    return metrics[0]!;
  } finally {
    for (const stop of stops) await stop();
  }
}

for (const withAgent of [false, true]) {
  test(`byte-for-byte the SDK's protobuf body, and the same data as its JSON body (every instrument kind${withAgent ? ", with the agent's metrics" : ''})`, async () => {
    const data = await collect(withAgent);
    const ours = new OtlpMetricsProtobufSerializer();
    const sdk = ProtobufMetricsSerializer.serializeRequest(data)!;
    const first = ours.serialize(data);
    assert.ok(first.length > 500);
    assert.ok(Buffer.from(first).equals(Buffer.from(sdk)), 'first serialization equals the SDK');
    // The second time the resource, scopes and metric headers come from the cache.
    const second = ours.serialize(data);
    assert.ok(Buffer.from(second).equals(Buffer.from(sdk)), 'cached serialization equals the SDK');

    const decoded = decodeMetricsRequest(second, 'protobuf');
    const fromJson = decodeMetricsRequest(JsonMetricsSerializer.serializeRequest(data)!, 'json');
    assert.deepEqual(decoded, fromJson);

    const names = decoded.flatMap((rm) => rm.metrics.map((m) => m.name));
    const expected = data.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.descriptor.name));
    assert.deepEqual(names, expected);
    if (withAgent) assert.ok(names.includes('nodejs.eventloop.delay'));
  });
}

test('a resource, scope and metric headers encoded once do not leak into another request', async () => {
  const ours = new OtlpMetricsProtobufSerializer();
  const a = await collect(false);
  const b = await collect(false);
  ours.serialize(a);
  const again = ours.serialize(b);
  assert.ok(Buffer.from(again).equals(Buffer.from(ProtobufMetricsSerializer.serializeRequest(b)!)));
});
