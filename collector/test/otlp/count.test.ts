// The point count that refuses a request before decoding it
// (--max-points-per-request): exact on every metric kind, stops early, and
// leaves unreadable bodies to the decoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countJsonPoints, countProtobufPoints } from '../../src/otlp/count.js';
import { decodeMetricsExport } from '../../src/otlp/metrics.js';
import { OtlpTooLarge } from '../../src/otlp/errors.js';
import { millionPoints, point, request } from '../helpers/heavy.js';

const mixed = [
  { name: 'g', gauge: { dataPoints: [point(1), point(2)] } },
  { name: 's', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [point(3)] } },
  {
    name: 'h',
    histogram: {
      aggregationTemporality: 2,
      dataPoints: [{ timeUnixNano: 1, count: 1, sum: 1, bucketCounts: [1], explicitBounds: [] }],
    },
  },
];

test('protobuf and JSON counts agree with the decoder on every metric kind', () => {
  const body = request(mixed);
  assert.equal(countProtobufPoints(body), 4);
  const json = JSON.parse(
    JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: mixed }] }] }),
  ) as unknown;
  assert.equal(countJsonPoints(json), 4);
  assert.equal(decodeMetricsExport(body, 'protobuf').accepted, 4);
});

test('the scan stops past the limit and a body it cannot read is left to the decoder', () => {
  assert.equal(countProtobufPoints(millionPoints(650_000), 10), 11);
  assert.equal(countProtobufPoints(Buffer.from([0x0a, 0xff, 0xff, 0x01])), undefined);
  assert.equal(countJsonPoints({ resourceMetrics: 'x' }), 0);
});

test('decodeMetricsExport refuses more than maxPoints in either encoding, naming the limit', () => {
  const limits = {
    maxAttributeLength: 4096,
    maxAttributes: 128,
    maxNameLength: 1024,
    maxPoints: 3,
  };
  assert.throws(
    () => decodeMetricsExport(request(mixed), 'protobuf', limits),
    (err: unknown) =>
      err instanceof OtlpTooLarge &&
      /more than 3 data points.*--max-points-per-request/.test(err.message),
  );
  const json = Buffer.from(
    JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: mixed }] }] }),
  );
  assert.throws(() => decodeMetricsExport(json, 'json', limits), OtlpTooLarge);
  assert.equal(
    decodeMetricsExport(request(mixed), 'protobuf', { ...limits, maxPoints: 4 }).accepted,
    4,
  );
});
