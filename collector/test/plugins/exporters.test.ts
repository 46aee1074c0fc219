// The official OpenTelemetry JS exporters, as applications use them, sending
// to a collector listening on a real port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { sampleValue, scrape, startInProcess } from '../helpers/collector.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';

type Kind = 'proto' | 'json';

function sender(
  kind: Kind,
  url: string,
  instance: string,
  options: { gzip?: boolean; delta?: boolean; token?: string } = {},
) {
  const config = {
    url: `${url}/v1/metrics`,
    compression: options.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    temporalityPreference: options.delta
      ? AggregationTemporalityPreference.DELTA
      : AggregationTemporalityPreference.CUMULATIVE,
    headers: options.token
      ? { authorization: `Bearer ${options.token}` }
      : ({} as Record<string, string>),
  };
  const exporter = kind === 'proto' ? new ProtoExporter(config) : new JsonExporter(config);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': instance,
      'service.version': '2.0.1',
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('exporter-test');
  return {
    requests: meter.createCounter('http.server.requests', { unit: '{request}' }),
    duration: meter.createHistogram('http.server.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
    }),
    depth: meter.createGauge('queue.depth', { unit: '{item}' }),
    flush: () => reader.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

for (const kind of ['proto', 'json'] as const) {
  for (const gzip of [false, true]) {
    for (const delta of [false, true]) {
      const name = `${kind} exporter, ${gzip ? 'gzip' : 'uncompressed'}, ${delta ? 'delta' : 'cumulative'}`;
      test(name, async (t) => {
        const c = await startInProcess(t);
        const s = sender(kind, c.url, 'pod-1', { gzip, delta });
        // On failure only: normally the SDK is shut down below, before the
        // collector closes, or its last export would retry against nothing.
        t.after(() => s.shutdown());
        s.requests.add(3, { route: '/cart' });
        s.duration.record(0.25);
        s.duration.record(0.75);
        await s.flush();
        s.requests.add(4, { route: '/cart' });
        s.duration.record(2);
        await s.flush();
        const text = await scrape(c.url);
        const labels = 'job="shop/checkout",instance="pod-1",service_version="2.0.1"';
        assert.equal(sampleValue(text, `http_server_requests_total{${labels},route="/cart"}`), 7);
        assert.equal(
          sampleValue(text, `http_server_duration_seconds_bucket{${labels},le="0.1"}`),
          0,
        );
        assert.equal(
          sampleValue(text, `http_server_duration_seconds_bucket{${labels},le="0.5"}`),
          1,
        );
        assert.equal(sampleValue(text, `http_server_duration_seconds_bucket{${labels},le="1"}`), 2);
        assert.equal(
          sampleValue(text, `http_server_duration_seconds_bucket{${labels},le="+Inf"}`),
          3,
        );
        assert.equal(sampleValue(text, `http_server_duration_seconds_sum{${labels}}`), 3);
        assert.equal(sampleValue(text, `http_server_duration_seconds_count{${labels}}`), 3);
        assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="accepted"}'), 2);
        assert.equal(
          sampleValue(text, 'loopscope_collector_dropped_points_total{reason="out_of_order"}'),
          0,
        );
        await s.shutdown();
      });
    }
  }
}

test('exporters with and without the bearer token against an authenticated collector', async (t) => {
  const c = await startInProcess(t, { authTokens: ['t0ken'] });
  const good = sender('proto', c.url, 'good', { token: 't0ken' });
  const bad = sender('json', c.url, 'bad', { token: 'wrong' });
  good.requests.add(1);
  bad.requests.add(1);
  await good.flush();
  await bad.flush().catch(() => undefined);
  await Promise.all([good.shutdown(), bad.shutdown()]);
  const text = await scrape(c.url);
  assert.equal(
    sampleValue(
      text,
      'http_server_requests_total{job="shop/checkout",instance="good",service_version="2.0.1"}',
    ),
    1,
  );
  assert.ok(!text.includes('instance="bad"'));
  assert.ok(
    (sampleValue(text, 'loopscope_collector_exports_total{result="unauthorized"}') ?? 0) >= 1,
  );
});

test('--rollup job with real exporters: job totals, gauge aggregates, per-instance liveness, valid exposition', async (t) => {
  const c = await startInProcess(t, { rollup: 'job' });
  const senders = ['a', 'b', 'c'].map((i) => sender('proto', c.url, i));
  senders.forEach((s, i) => {
    s.requests.add(i + 1, { route: '/cart' });
    s.duration.record(0.25 * (i + 1));
    s.depth.record(i + 1);
  });
  await Promise.all(senders.map((s) => s.flush()));
  await Promise.all(senders.map((s) => s.shutdown()));
  const text = await scrape(c.url);
  assert.equal(
    sampleValue(text, 'http_server_requests_total{job="shop/checkout",route="/cart"}'),
    6,
  );
  assert.equal(
    sampleValue(text, 'http_server_duration_seconds_bucket{job="shop/checkout",le="0.5"}'),
    2,
  );
  assert.equal(sampleValue(text, 'http_server_duration_seconds_count{job="shop/checkout"}'), 3);
  for (const [agg, v] of [
    ['min', 1],
    ['max', 3],
    ['sum', 6],
    ['count', 3],
  ] as const) {
    assert.equal(sampleValue(text, `queue_depth{job="shop/checkout",agg="${agg}"}`), v, agg);
  }
  assert.ok(!/^(http_server|queue)_\w+\{[^}]*instance=/m.test(text), 'no per-instance series');
  for (const i of ['a', 'b', 'c']) {
    assert.match(
      text,
      new RegExp(
        `^loopscope_sender_last_seen_timestamp_seconds\\{job="shop/checkout",instance="${i}"\\}`,
        'm',
      ),
    );
  }
  const check = await promtoolCheckMetrics(text);
  assert.equal(check.code, 0, check.output);
});
