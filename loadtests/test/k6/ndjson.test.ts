import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/errors.js';
import type { MetricDecl, Sample } from '../../src/k6/model.js';
import { readNdjson } from '../../src/k6/ndjson.js';
import { readResults } from '../../src/k6/read.js';
import { shared, tempDir } from '../helpers/paths.js';

function collect() {
  const decls: MetricDecl[] = [];
  const samples: Sample[] = [];
  return {
    decls,
    samples,
    sink: { declare: (d: MetricDecl) => decls.push(d), sample: (s: Sample) => samples.push(s) },
  };
}

test('k6 golden lines: Metric lines with thresholds and submetrics, Points with tags and metadata, any key order', async () => {
  const c = collect();
  const n = await readNdjson(shared('json-output.k6-golden-lines.ndjson'), c.sink);
  assert.equal(n, 5);
  assert.deepEqual(c.decls[0], {
    name: 'my_metric1',
    type: 'gauge',
    contains: 'default',
    thresholds: ['rate<0.01', 'p(99)<250'],
    submetrics: [{ name: 'my_metric1{a:1,b:2}', tags: { a: '1', b: '2' } }],
  });
  assert.deepEqual(c.decls[1]?.submetrics, []);
  assert.deepEqual(
    c.samples.map((s) => [s.metric, s.value, s.time, s.tags]),
    [
      ['my_metric1', 1, Date.parse('2021-02-24T13:37:10Z'), { tag1: 'val1' }],
      ['my_metric1', 2, Date.parse('2021-02-24T13:37:10Z'), { tag2: 'val2' }],
      ['my_metric2', 3, Date.parse('2021-02-24T13:37:20Z'), { key: 'val' }],
      ['my_metric1', 4, Date.parse('2021-02-24T13:37:20Z'), { key: 'val' }],
      ['my_metric2', 5, Date.parse('2021-02-24T13:37:30Z'), { tag3: 'val3', tag4: 'val4' }],
    ],
  );
});

test('k6 golden lines: counter summed, gauge last/min/max as k6 sinks keep them', async () => {
  const r = await readResults(shared('json-output.k6-golden-lines.ndjson'));
  const m1 = r.summary.metrics.find((m) => m.name === 'my_metric1');
  const m2 = r.summary.metrics.find((m) => m.name === 'my_metric2');
  assert.deepEqual(m1?.values, { value: 4, min: 1, max: 4 });
  assert.equal(m2?.values.count, 8);
  // my_metric1's thresholds (rate, p(99)) do not apply to a gauge: said, not silently passed.
  assert.equal(r.summary.thresholds.length, 0);
  assert.equal(r.summary.warnings.length, 2);
});

test('xk6-dashboard run: 17 requests, exact count/avg/min/max, quantiles within the sketch accuracy', async () => {
  const r = await readResults(shared('json-output.xk6-dashboard.head200.ndjson'));
  assert.equal(r.format, 'ndjson');
  const l = r.overall.latency;
  assert.ok(l);
  assert.equal(r.overall.requests, 17);
  assert.equal(l.count, 17);
  assert.ok(Math.abs((l.avg ?? 0) - 122.787188) < 1e-9);
  assert.equal(l.min, 120.688992);
  assert.equal(l.max, 127.349736);
  // k6 interpolates: p50 122.03407, p95 126.1298 (computed from the file's 17 values).
  assert.ok(Math.abs((l.p50 ?? 0) / 122.03407 - 1) < 0.015, `p50 ${l.p50}`);
  assert.ok(Math.abs((l.p95 ?? 0) / 126.1298 - 1) < 0.015, `p95 ${l.p95}`);
  assert.equal(r.overall.errors, 0);
  assert.deepEqual(
    r.byName.map((g) => [g.key, g.requests]),
    [
      ['http://test.k6.io', 9],
      ['https://test.k6.io/', 8],
    ],
  );
  assert.deepEqual(
    r.byScenario.map((g) => g.key),
    ['contacts'],
  );
  // Nanoseconds and the +02:00 offset are kept: first and last Point times.
  assert.ok(
    Math.abs((r.startMs ?? 0) - (Date.parse('2023-09-08T19:03:10.549Z') + 0.397854)) < 1e-3,
  );
  assert.ok(Math.abs((r.endMs ?? 0) - (Date.parse('2023-09-08T19:03:11.779Z') + 0.897162)) < 1e-3);
  assert.equal(r.timeline.length, 2);
  assert.equal(
    r.timeline.reduce((s, b) => s + b.requests, 0),
    17,
  );
});

test('gzip NDJSON is recognised by its magic bytes and reads the same', async () => {
  const dir = tempDir();
  const gz = join(dir, 'results.json');
  writeFileSync(gz, gzipSync(readFileSync(shared('json-output.xk6-dashboard.head200.ndjson'))));
  const r = await readResults(gz);
  assert.equal(r.overall.requests, 17);
  assert.equal(r.overall.latency?.max, 127.349736);
});

async function rejects(content: string | Buffer, line: number | 'any', pattern: RegExp) {
  const file = join(tempDir(), 'bad.ndjson');
  writeFileSync(file, content);
  await assert.rejects(readResults(file), (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    if (line === 'any') assert.ok(typeof err.line === 'number' && err.line > 0);
    else assert.equal(err.line, line);
    assert.match(err.message, pattern);
    return true;
  });
}

const GOLDEN = readFileSync(shared('json-output.k6-golden-lines.ndjson'), 'utf8').split('\n');

test('a truncated last line is reported as truncation with its line number', async () => {
  const text = GOLDEN.slice(0, 4).join('\n') + '\n' + (GOLDEN[4] ?? '').slice(0, 40);
  await rejects(text, 5, /truncated: the last line is not complete JSON/);
});

test('a malformed line in the middle names its line', async () => {
  const lines = [...GOLDEN.slice(0, 6)];
  lines[2] = '{"type":"Point","data":{"time":"2021-02-24T13:37:10Z","value":2,,}';
  await rejects(lines.join('\n'), 3, /malformed JSON/);
});

test('structurally wrong lines say what is wrong', async () => {
  const metric = GOLDEN[0] ?? '';
  await rejects(
    `${metric}\n{"type":"Point","metric":"my_metric1","data":{"time":"2021-02-24T13:37:10Z","value":"7"}}\n`,
    2,
    /"value" must be a finite number/,
  );
  await rejects(
    `${metric}\n{"type":"Point","metric":"my_metric1","data":{"time":"yesterday","value":7}}\n`,
    2,
    /not an RFC 3339 time/,
  );
  await rejects(
    `${metric}\n{"type":"Sample","metric":"x","data":{}}\n`,
    2,
    /unknown line type "Sample"/,
  );
  await rejects(`${metric}\n[1,2,3]\n`, 2, /expected a JSON object/);
  await rejects(
    `{"type":"Metric","data":{"name":"m","type":"histogram"},"metric":"m"}\n`,
    1,
    /unknown type "histogram"/,
  );
});

test('a truncated gzip stream is an input error, not a crash', async () => {
  const gz = gzipSync(readFileSync(shared('json-output.xk6-dashboard.head200.ndjson')));
  await rejects(
    gz.subarray(0, Math.floor(gz.length / 2)),
    'any',
    /gzip stream is corrupt or truncated \(unexpected end of file\)/,
  );
});

test('object thresholds ({threshold, abortOnFail, delayAbortEval}) are evaluated; submetric thresholds are named as not evaluable', async () => {
  // Lines as k6 v0.49 wrote them for ramp.ts and threadpool.ts (abortOnFail gates, a name:ok submetric).
  const lines = [
    '{"type":"Metric","data":{"name":"dropped_iterations","type":"counter","contains":"default","thresholds":[{"threshold":"count<=50","abortOnFail":true,"delayAbortEval":"10s"}],"submetrics":null},"metric":"dropped_iterations"}',
    '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[{"threshold":"p(95)<100","abortOnFail":true,"delayAbortEval":"10s"},"p(99)<250"],"submetrics":[{"name":"http_req_duration{name:ok}","suffix":"name:ok","tags":{"name":"ok"}},{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
    ...Array.from(
      { length: 60 },
      (_, i) =>
        `{"type":"Point","data":{"time":"2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z","value":1,"tags":{}},"metric":"dropped_iterations"}`,
    ),
    '{"type":"Point","data":{"time":"2026-01-01T00:00:01Z","value":5,"tags":{"name":"ok","expected_response":"true"}},"metric":"http_req_duration"}',
  ];
  const file = join(tempDir(), 'ramp.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const r = await readResults(file);
  const dropped = r.summary.thresholds.find((t) => t.metric === 'dropped_iterations');
  assert.deepEqual(dropped && { expression: dropped.expression, passed: dropped.passed }, {
    expression: 'count<=50',
    passed: false,
  });
  assert.equal(r.summary.thresholds.filter((t) => t.metric === 'http_req_duration').length, 2);
  assert.deepEqual(
    r.summary.unevaluated?.map((u) => u.metric),
    ['http_req_duration{name:ok}'],
  );
});
