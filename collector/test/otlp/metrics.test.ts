import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DELAY_BUCKETS_SECONDS } from '@loopscope/agent/names';
import { decodeMetricsExport, decodeMetricsRequest } from '../../src/otlp/metrics.js';
import { OtlpDecodeError } from '../../src/otlp/errors.js';
import type { DecodedMetric, HistogramPoint, NumberPoint } from '../../src/otlp/model.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';

const RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'pod-1',
  'deployment.environment.name': 'prod',
};

async function sampleExport(temporality: 'cumulative' | 'delta' = 'cumulative') {
  const h = sdkHarness(RESOURCE, temporality);
  const counter = h.meter.createCounter('requests', {
    unit: '{request}',
    description: 'Requests.',
  });
  counter.add(3, { route: '/a' });
  counter.add(4, { route: '/b' });
  counter.add(1, { route: '/a' });
  h.meter.createUpDownCounter('inflight', { valueType: 1 }).add(-2);
  h.meter.createGauge('utilization', { unit: '1' }).record(0.25, { core: 1 });
  const hist = h.meter.createHistogram('delay', {
    unit: 's',
    advice: { explicitBucketBoundaries: [...DELAY_BUCKETS_SECONDS] },
  });
  for (const v of [0.0001, 0.004, 0.004, 0.2, 42]) hist.record(v, { big: true });
  const rm = await h.collect();
  await h.provider.shutdown();
  return rm;
}

function byName(metrics: readonly DecodedMetric[], name: string): DecodedMetric {
  const m = metrics.find((x) => x.name === name);
  assert.ok(m, `metric ${name} decoded`);
  return m;
}

for (const encoding of ['protobuf', 'json'] as const) {
  test(`decodes what the OTel SDK's ${encoding} serializer produces`, async () => {
    const before = Date.now();
    const decoded = decodeMetricsRequest(serialize(await sampleExport(), encoding), encoding);
    assert.equal(decoded.length, 1);
    const [rm] = decoded;
    assert.ok(rm);
    assert.equal(rm.sender.job, 'shop/checkout');
    assert.equal(rm.sender.instance, 'pod-1');
    assert.equal(rm.sender.attributes['deployment.environment.name'], 'prod');

    const requests = byName(rm.metrics, 'requests');
    assert.equal(requests.type, 'sum');
    assert.ok(
      requests.type === 'sum' && requests.monotonic && requests.temporality === 'cumulative',
    );
    assert.equal(requests.unit, '{request}');
    assert.equal(requests.description, 'Requests.');
    const values: Record<string, number> = {};
    for (const p of requests.points as NumberPoint[]) values[String(p.attributes.route)] = p.value;
    assert.deepEqual(values, { '/a': 4, '/b': 4 });
    const [p0] = requests.points;
    assert.ok(p0 && p0.timeMs >= before - 1 && p0.timeMs <= Date.now() + 1, 'time in ms');
    assert.ok(p0.startTimeMs > 0 && p0.startTimeMs <= p0.timeMs);

    const inflight = byName(rm.metrics, 'inflight');
    assert.ok(inflight.type === 'sum' && !inflight.monotonic);
    assert.equal((inflight.points[0] as NumberPoint).value, -2);

    const util = byName(rm.metrics, 'utilization');
    assert.equal(util.type, 'gauge');
    assert.deepEqual({ ...(util.points[0] as NumberPoint).attributes }, { core: 1 });
    assert.equal((util.points[0] as NumberPoint).value, 0.25);

    const delay = byName(rm.metrics, 'delay');
    assert.ok(delay.type === 'histogram' && delay.temporality === 'cumulative');
    const hp = delay.points[0] as HistogramPoint;
    assert.deepEqual({ ...hp.attributes }, { big: true });
    assert.equal(hp.count, 5);
    assert.ok(Math.abs(hp.sum - 42.2081) < 1e-9);
    assert.deepEqual(hp.bounds, DELAY_BUCKETS_SECONDS);
    assert.equal(hp.bucketCounts.length, DELAY_BUCKETS_SECONDS.length + 1);
    assert.equal(hp.bucketCounts[0], 1, '0.0001 <= 0.0005');
    assert.equal(
      hp.bucketCounts[DELAY_BUCKETS_SECONDS.indexOf(0.005)],
      2,
      '0.004 in (0.003, 0.005]',
    );
    assert.equal(hp.bucketCounts.at(-1), 1, '42 in +Inf');
    assert.equal(hp.min, 0.0001);
    assert.equal(hp.max, 42);
  });
}

test('protobuf and JSON decode to the same model', async () => {
  const rm = await sampleExport();
  const strip = (x: ReturnType<typeof decodeMetricsRequest>) =>
    // JSON timestamps are decimal strings; protobuf's are exact 64-bit
    // integers. Both become the same milliseconds within float precision.
    JSON.parse(
      JSON.stringify(x, (k, v: unknown) =>
        k.endsWith('TimeMs') || k === 'timeMs' ? Math.round(v as number) : v,
      ),
    ) as unknown;
  assert.deepEqual(
    strip(decodeMetricsRequest(serialize(rm, 'protobuf'), 'protobuf')),
    strip(decodeMetricsRequest(serialize(rm, 'json'), 'json')),
  );
});

test('zero values are values: explicit presence keeps asInt/asDouble = 0', async () => {
  const h = sdkHarness(RESOURCE);
  h.meter.createCounter('zero.int', { valueType: 1 }).add(0);
  h.meter.createGauge('zero.double').record(0);
  h.meter.createHistogram('zero.hist', { advice: { explicitBucketBoundaries: [1] } }).record(0);
  const rm = await h.collect();
  await h.provider.shutdown();
  for (const encoding of ['protobuf', 'json'] as const) {
    const out = decodeMetricsExport(serialize(rm, encoding), encoding);
    assert.equal(out.rejections.total, 0, out.rejections.summary());
    const metrics = out.resourceMetrics[0]!.metrics;
    assert.equal((byName(metrics, 'zero.int').points[0] as NumberPoint).value, 0);
    assert.equal((byName(metrics, 'zero.double').points[0] as NumberPoint).value, 0);
    const hp = byName(metrics, 'zero.hist').points[0] as HistogramPoint;
    assert.deepEqual([hp.count, hp.sum, hp.min, hp.max], [1, 0, 0, 0]);
  }
});

test('delta temporality is decoded as such', async () => {
  const decoded = decodeMetricsRequest(
    serialize(await sampleExport('delta'), 'protobuf'),
    'protobuf',
  );
  const requests = byName(decoded[0]!.metrics, 'requests');
  assert.ok(requests.type === 'sum' && requests.temporality === 'delta');
});

test('truncated and random protobuf is refused with a message naming the problem', async () => {
  const bytes = serialize(await sampleExport(), 'protobuf');
  assert.throws(
    () => decodeMetricsRequest(bytes.subarray(0, bytes.length - 7), 'protobuf'),
    (err: unknown) =>
      err instanceof OtlpDecodeError &&
      /invalid protobuf ExportMetricsServiceRequest \(\d+ bytes\): /.test(err.message),
  );
  assert.throws(
    () => decodeMetricsRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]), 'protobuf'),
    OtlpDecodeError,
  );
});

test('invalid JSON and JSON of the wrong shape name what and where', () => {
  assert.throws(
    () => decodeMetricsRequest(Buffer.from('{"resourceMetrics": ['), 'json'),
    /invalid JSON \(21 bytes\)/,
  );
  assert.throws(
    () => decodeMetricsRequest(Buffer.from([0x7b, 0xff, 0x7d]), 'json'),
    /not valid UTF-8/,
  );
  const wrong = {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              { name: 'x', gauge: { dataPoints: [{ timeUnixNano: 'soon', asDouble: 1 }] } },
            ],
          },
        ],
      },
    ],
  };
  assert.throws(
    () => decodeMetricsRequest(Buffer.from(JSON.stringify(wrong)), 'json'),
    (err: unknown) =>
      err instanceof OtlpDecodeError &&
      err.where ===
        'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano' &&
      err.what === 'expected an unsigned 64-bit integer, got "soon"',
  );
  assert.throws(
    () => decodeMetricsRequest(Buffer.from('{"resourceMetrics": {}}'), 'json'),
    /expected an array, got an object at resourceMetrics$/,
  );
  assert.throws(() => decodeMetricsRequest(Buffer.from('[]'), 'json'), /expected an object/);
});

function jsonExport(metrics: unknown[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeMetrics: [{ metrics }],
        },
      ],
    }),
  );
}

const T = '1700000000000000000';

test('OTLP/JSON quirks: int64 strings, enum names, NaN strings, nested attribute values', () => {
  const out = decodeMetricsExport(
    jsonExport([
      {
        name: 'c',
        sum: {
          aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
          isMonotonic: true,
          dataPoints: [
            {
              startTimeUnixNano: '1699999999000000000',
              timeUnixNano: T,
              asInt: '9007199254740991',
              attributes: [
                {
                  key: 'list',
                  value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] } },
                },
                {
                  key: 'kv',
                  value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
                },
                { key: 'huge', value: { intValue: '9223372036854775807' } },
                { key: 'raw', value: { bytesValue: 'AQI=' } },
              ],
            },
          ],
        },
      },
      { name: 'g', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 'NaN' }] } },
    ]),
    'json',
  );
  const c = out.resourceMetrics[0]!.metrics[0]!;
  assert.equal(out.resourceMetrics[0]!.sender.job, 'svc');
  assert.equal(out.resourceMetrics[0]!.sender.instance, '');
  const p = c.points[0] as NumberPoint;
  assert.equal(p.value, 9007199254740991);
  assert.equal(p.timeMs, 1700000000000);
  assert.equal(p.startTimeMs, 1699999999000);
  assert.deepEqual(
    { ...p.attributes },
    {
      list: '[1,"a"]',
      kv: '{"k":true}',
      huge: '9223372036854775807',
      raw: 'AQI=',
    },
  );
  assert.equal(out.rejections.total, 1);
  assert.deepEqual(out.rejections.byReason, { malformed: 1 });
  assert.match(out.rejections.messages[0]!, /metric "g" point 0: value NaN is not finite/);
});

test('unusable points are rejected one by one with reasons, the rest accepted', () => {
  const hist = (bucketCounts: string[], explicitBounds: number[], count: string) => ({
    timeUnixNano: T,
    count,
    sum: 1,
    bucketCounts,
    explicitBounds,
  });
  const out = decodeMetricsExport(
    jsonExport([
      {
        name: 'h',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            hist(['1', '2'], [1], '3'),
            hist(['1', '2', '3'], [1], '6'),
            hist(['1', '2'], [1], '4'),
            hist(['1', '2', '0'], [2, 1], '3'),
            hist([], [], '7'),
          ],
        },
      },
      {
        name: 'neg',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [{ timeUnixNano: T, asDouble: -1 }],
        },
      },
      { name: 'inf', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 'Infinity' }] } },
      { name: 'notime', gauge: { dataPoints: [{ asDouble: 1 }] } },
      { name: 'novalue', gauge: { dataPoints: [{ timeUnixNano: T }] } },
      { name: 'gap', gauge: { dataPoints: [{ timeUnixNano: T, flags: 1 }] } },
      { name: 'unspecified', sum: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
      { name: 'summary', summary: { dataPoints: [{}, {}] } },
      { name: 'exp', exponentialHistogram: { dataPoints: [{}] } },
      { name: 'mystery', fancyHistogram: { dataPoints: [{}] } },
      {
        name: 'long',
        gauge: {
          dataPoints: [
            {
              timeUnixNano: T,
              asDouble: 1,
              attributes: [{ key: 'a', value: { stringValue: 'x'.repeat(5000) } }],
            },
          ],
        },
      },
    ]),
    'json',
  );
  const h = out.resourceMetrics[0]!.metrics.find((m) => m.name === 'h')!;
  assert.equal(h.points.length, 2, 'the valid histogram and the bucketless one');
  assert.deepEqual((h.points[1] as HistogramPoint).bucketCounts, [7]);
  assert.equal(out.resourceMetrics[0]!.metrics.length, 1);
  assert.equal(out.accepted, 2);
  assert.deepEqual(out.rejections.byReason, { malformed: 11, too_large: 1 });
  assert.equal(out.rejections.total, 12);
  const all = out.rejections.summary();
  assert.match(all, /3 bucket counts for 1 explicit bounds \(expected 2\)/);
  assert.match(all, /bucket counts add up to 3 but count is 4/);
  assert.match(all, /not strictly increasing/);
  assert.match(all, /monotonic sum has negative value -1/);
  assert.match(all, /value Infinity is not finite/);
  assert.match(all, /timeUnixNano is missing/);
  assert.match(all, /neither asDouble nor asInt/);
  assert.match(all, /aggregation temporality 0/);
  assert.match(all, /summary is not supported/);
  assert.equal(out.rejections.messages.length, 10);
  assert.match(all, /; and 2 more$/);
});

test('metrics of more than one type at once are malformed', () => {
  assert.throws(
    () => decodeMetricsRequest(jsonExport([{ name: 'x', gauge: {}, sum: {} }]), 'json'),
    /found gauge and sum at resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]/,
  );
});
