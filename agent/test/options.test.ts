import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULTS,
  isDisabled,
  resolveOptions,
  resolveSamplerOptions,
  unknownOptions,
} from '../src/options.js';
import { ConfigError } from '../src/setting-parsers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('defaults with an empty environment', () => {
  const o = resolveOptions({}, {});
  assert.equal(o.metricsUrl, 'http://localhost:4318/v1/metrics');
  assert.equal(o.protocol, 'http/protobuf');
  assert.equal(o.exportIntervalMs, 10_000);
  // The spec's 30 s default timeout is clamped to the interval (the SDK reader requires it).
  assert.equal(o.exportTimeoutMs, 10_000);
  assert.equal(o.eventLoopResolutionMs, DEFAULTS.eventLoopResolutionMs);
  assert.equal(o.threadPoolProbeIntervalMs, 1000);
  assert.equal(o.handleSignals, true);
  assert.match(o.serviceName, /^unknown_service/);
  assert.match(o.serviceInstanceId, UUID);
  assert.deepEqual(o.headers, {});
  assert.deepEqual(o.resourceAttributes, {});
});

test('every instance gets its own random service.instance.id', () => {
  assert.notEqual(
    resolveOptions({}, {}).serviceInstanceId,
    resolveOptions({}, {}).serviceInstanceId,
  );
});

test('OTEL_* variables are read', () => {
  const o = resolveOptions(
    {},
    {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES:
        'service.namespace=shop,deployment.environment=prod%20eu,service.instance.id=pod-7',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-a=1',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-a=2',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_METRIC_EXPORT_TIMEOUT: '500',
      LOOPSCOPE_EVENTLOOP_RESOLUTION_MS: '50',
      LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS: '0',
      LOOPSCOPE_HANDLE_SIGNALS: 'false',
    },
  );
  assert.equal(o.serviceName, 'checkout');
  assert.equal(o.serviceInstanceId, 'pod-7');
  assert.deepEqual(o.resourceAttributes, {
    'service.namespace': 'shop',
    'deployment.environment': 'prod eu',
  });
  assert.equal(o.metricsUrl, 'http://collector:4318/v1/metrics');
  assert.equal(o.protocol, 'http/json');
  assert.deepEqual(o.headers, { authorization: 'Bearer abc', 'x-a': '2' });
  assert.equal(o.exportIntervalMs, 1000);
  assert.equal(o.exportTimeoutMs, 500);
  assert.equal(o.eventLoopResolutionMs, 50);
  assert.equal(o.threadPoolProbeIntervalMs, 0);
  assert.equal(o.handleSignals, false);
});

test('the base endpoint gets /v1/metrics appended, keeping its path; the metrics endpoint is used as is', () => {
  assert.equal(
    resolveOptions({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example/otlp' }).metricsUrl,
    'https://gw.example/otlp/v1/metrics',
  );
  assert.equal(
    resolveOptions(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:9999/custom',
      },
    ).metricsUrl,
    'http://b:9999/custom',
  );
});

test('code options win over environment variables', () => {
  const env = {
    OTEL_SERVICE_NAME: 'from-env',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://env:1/v1/metrics',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    LOOPSCOPE_EVENTLOOP_RESOLUTION_MS: '50',
  };
  const o = resolveOptions(
    {
      serviceName: 'from-code',
      endpoint: 'http://code:2',
      exportIntervalMs: 2000,
      eventLoopResolutionMs: 20,
    },
    env,
  );
  assert.equal(o.serviceName, 'from-code');
  assert.equal(o.metricsUrl, 'http://code:2/v1/metrics');
  assert.equal(o.exportIntervalMs, 2000);
  assert.equal(o.eventLoopResolutionMs, 20);
});

test('OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES', () => {
  const env = { OTEL_SERVICE_NAME: 'a', OTEL_RESOURCE_ATTRIBUTES: 'service.name=b' };
  assert.equal(resolveOptions({}, env).serviceName, 'a');
  assert.equal(resolveOptions({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=b' }).serviceName, 'b');
});

const invalid: [Record<string, string>, string][] = [
  [{ OTEL_METRIC_EXPORT_INTERVAL: '-5' }, 'OTEL_METRIC_EXPORT_INTERVAL'],
  [{ OTEL_METRIC_EXPORT_INTERVAL: '10s' }, 'OTEL_METRIC_EXPORT_INTERVAL'],
  [{ OTEL_METRIC_EXPORT_TIMEOUT: '0' }, 'OTEL_METRIC_EXPORT_TIMEOUT'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  [{ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://x/' }, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
  [{ OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL'],
  [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  [{ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
  [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES'],
  [{ LOOPSCOPE_EVENTLOOP_RESOLUTION_MS: '0' }, 'LOOPSCOPE_EVENTLOOP_RESOLUTION_MS'],
  [{ LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS: '-1' }, 'LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS'],
  [{ LOOPSCOPE_HANDLE_SIGNALS: 'maybe' }, 'LOOPSCOPE_HANDLE_SIGNALS'],
];

for (const [env, variable] of invalid) {
  test(`invalid ${variable}=${Object.values(env)[0]} is an error naming the variable`, () => {
    assert.throws(
      () => resolveOptions({}, env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.source, variable);
        assert.match(err.message, new RegExp(`^invalid ${variable}=.*: expected `));
        return true;
      },
    );
  });
}

test('invalid code options name the option', () => {
  assert.throws(
    () => resolveOptions({ exportIntervalMs: -1 }, {}),
    /invalid option exportIntervalMs=-1/,
  );
  assert.throws(
    () => resolveOptions({ protocol: 'grpc' as 'http/json' }, {}),
    /invalid option protocol="grpc": expected one of http\/protobuf, http\/json/,
  );
  assert.throws(
    () => resolveSamplerOptions({ eventLoopResolutionMs: Number.NaN }, {}),
    /eventLoopResolutionMs/,
  );
});

test('OTEL_SDK_DISABLED: only true (any case) disables', () => {
  assert.equal(isDisabled({}, { OTEL_SDK_DISABLED: 'TRUE' }), true);
  assert.equal(isDisabled({}, { OTEL_SDK_DISABLED: 'false' }), false);
  assert.equal(isDisabled({}, {}), false);
  assert.equal(isDisabled({ disabled: true }, {}), true);
});

test('unknown LOOPSCOPE_* variables and options are reported with the known ones', () => {
  const warning = unknownOptions(
    { exportInterval: 5 },
    { LOOPSCOPE_THREADPOOL_PROBE_INTERVAL: '5', PATH: '/bin' },
  );
  assert.match(warning ?? '', /exportInterval, LOOPSCOPE_THREADPOOL_PROBE_INTERVAL/);
  assert.match(warning ?? '', /LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS/);
  assert.equal(
    unknownOptions({ exportIntervalMs: 5 }, { LOOPSCOPE_EVENTLOOP_RESOLUTION_MS: '5' }),
    undefined,
  );
});

test('resolved once: the result is frozen and passed down as it is', () => {
  const o = resolveOptions({}, { LOOPSCOPE_SHUTDOWN_FLUSH_MS: '500' });
  assert.ok(Object.isFrozen(o) && Object.isFrozen(o.headers));
  assert.equal(o.shutdownFlushMs, 500);
  assert.equal(resolveSamplerOptions(o, { LOOPSCOPE_EVENTLOOP_RESOLUTION_MS: '7' }), o);
  assert.equal(resolveOptions({}, {}).shutdownFlushMs, 2000);
  assert.throws(
    () => resolveOptions({}, { LOOPSCOPE_SHUTDOWN_FLUSH_MS: '2s' }),
    /invalid LOOPSCOPE_SHUTDOWN_FLUSH_MS="2s"/,
  );
});

test('logs settings come from the same table: URL, protocol, headers merged over the metrics ones', () => {
  const o = resolveOptions(
    { endpoint: 'http://code:1/base' },
    {
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=3',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
    },
  );
  assert.equal(o.logsUrl, 'http://code:1/base/v1/logs');
  assert.equal(o.logsProtocol, 'http/json');
  assert.equal(o.protocol, 'http/protobuf');
  assert.deepEqual(o.logsHeaders, { a: '1', b: '3' });
  assert.deepEqual(o.headers, { a: '1', b: '2' });
});
