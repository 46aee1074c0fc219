import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readResults } from '../../src/k6/read.js';
import { own, shared } from '../helpers/paths.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const raw = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const metric = (r: Awaited<ReturnType<typeof readResults>>, name: string) => {
  const m = r.summary.metrics.find((x) => x.name === name);
  assert.ok(m, `metric ${name} parsed`);
  return m;
};

test('summary-export files: every metric value is exactly what k6 wrote, rates renamed from "value"', async () => {
  for (const name of [
    'summary-export.ticket-reserve-2024.real.json',
    'summary-export.qr-code-generator-2021.real.json',
    'summary-export.k6-html-reporter-2020.real.json',
  ]) {
    const file = shared(name);
    const r = await readResults(file);
    assert.equal(r.format, 'summary-export', name);
    const doc = raw(file);
    for (const [mname, values] of Object.entries(doc.metrics as Json)) {
      const m = metric(r, mname);
      for (const [k, v] of Object.entries(values as Json)) {
        if (k === 'thresholds') continue;
        const key = m.type === 'rate' && k === 'value' ? 'rate' : k;
        // The 2020 export's wrong checks.value is the one documented exception (reconciled, warned).
        if (name.includes('2020') && mname === 'checks' && k === 'value') continue;
        assert.equal(m.values[key], v, `${name} ${mname}.${k}`);
      }
    }
  }
});

test('ticket-reserve export: requests, the one failure and latency quantiles as k6 wrote them', async () => {
  const r = await readResults(shared('summary-export.ticket-reserve-2024.real.json'));
  assert.equal(r.overall.requests, 100);
  assert.equal(r.overall.errors, 1);
  assert.equal(r.overall.errorRate, 0.01);
  assert.equal(r.overall.latency?.p95, 4101.811365);
  assert.equal(r.overall.latency?.p50, 3390.69845);
  assert.deepEqual(r.summary.checks, [
    { name: 'status was 200', path: '::status was 200', passes: 99, fails: 1 },
  ]);
  assert.equal(metric(r, 'http_req_duration{expected_response:true}').values['p(95)'], 4102.77963);
});

test('qr-code export: custom trend stats p(99), p(99.9) and count survive', async () => {
  const r = await readResults(shared('summary-export.qr-code-generator-2021.real.json'));
  const d = metric(r, 'http_req_duration');
  assert.equal(d.values['p(99.9)'], 787.1129890000226);
  assert.equal(d.values.count, 493168);
  assert.equal(r.overall.latency?.p99, 348.6492700000003);
  assert.equal(r.overall.rps, 4288.100370179589);
  assert.equal(metric(r, 'http_req_failed').values.rate, 0);
});

test('pre-v0.30 export: checks "value: 0" beside 29 passes is reconciled to 1 with a warning', async () => {
  const r = await readResults(shared('summary-export.k6-html-reporter-2020.real.json'));
  const checks = metric(r, 'checks');
  assert.equal(checks.values.passes, 29);
  assert.equal(checks.values.fails, 0);
  assert.equal(checks.values.rate, 1);
  assert.match(r.summary.warnings.join('\n'), /checks: the file says rate 0 but counts 29 true/);
  assert.equal(r.overall.requests, 29);
  assert.equal(r.overall.latency?.max, 223.1873);
});

test('summary-export thresholds are inverted (true = failed) and normalised to passed', async () => {
  const file = own('summary-export.thresholds.generated.json');
  const r = await readResults(file);
  assert.deepEqual(
    r.summary.thresholds.map((t) => [t.metric, t.expression, t.passed]),
    [
      ['http_req_duration', 'p(95)<500', true],
      ['http_req_duration', 'p(99)<100', false],
    ],
  );
});

test('handleSummary (legacy data): values, {ok} thresholds, checks in nested groups', async () => {
  const file = shared('handleSummary-data.legacy.k6-reporter-simple.real.json');
  const r = await readResults(file);
  assert.equal(r.format, 'handle-summary');
  const doc = raw(file);
  for (const [mname, m] of Object.entries(doc.metrics as Json))
    assert.deepEqual(metric(r, mname).values, (m as Json).values, mname);
  assert.equal(r.summary.durationMs, 24425.289882);
  assert.equal(r.overall.requests, 878);
  assert.equal(r.overall.errors, 349);
  assert.equal(r.overall.errorRate, 0.39749430523917995);
  assert.equal(r.overall.latency?.p99, 39.577136380000084);
  assert.deepEqual(r.summary.thresholds.map((t) => [t.metric, t.expression, t.passed]).sort(), [
    ['http_req_duration', 'p(95)<1000', true],
    ['iteration_duration', 'max<4000', true],
  ]);
  assert.deepEqual(
    r.summary.checks.map((c) => [c.name, c.passes, c.fails]),
    [
      ['Status is ok', 90, 349],
      ['NOT 500', 439, 0],
    ],
  );
});

test('handleSummary gRPC: custom Gauge/Rate/Trend, a failed threshold, grpc_req_duration as the latency', async () => {
  const r = await readResults(shared('handleSummary-data.legacy.k6-reporter-grpc.real.json'));
  assert.equal(r.latencyMetric, 'grpc_req_duration');
  assert.equal(r.overall.requests, 9615);
  assert.equal(r.overall.latency?.p95, 2.5228431999999996);
  assert.deepEqual(metric(r, 'fake_gauge').values, {
    value: 35.06111527257939,
    min: 0.04308356800525151,
    max: 99.99553995801755,
  });
  assert.deepEqual(metric(r, 'fake_rate').values, {
    rate: 0.4998439937597504,
    passes: 4806,
    fails: 4809,
  });
  const failed = r.summary.thresholds.find((t) => t.metric === 'fake_rate');
  assert.deepEqual(failed, {
    metric: 'fake_rate',
    expression: 'rate >= 0.8',
    passed: false,
    source: 'k6',
  });
});

test('machine-readable summary 1.0.0 as k6 writes it: matches/total, counters without rate, window from generatedAt', async () => {
  const r = await readResults(own('machine-readable-summary.k6-generated-types.generated.json'));
  assert.equal(r.format, 'machine-readable-summary');
  assert.equal(r.summary.durationMs, 120500);
  assert.equal(r.endMs, Date.parse('2025-06-02T10:15:30.250Z'));
  assert.equal(r.startMs, Date.parse('2025-06-02T10:15:30.250Z') - 120500);
  assert.deepEqual(metric(r, 'http_req_failed').values, {
    rate: 0.0009807619766125991,
    passes: 13,
    fails: 13242,
  });
  assert.equal(metric(r, 'http_reqs').values.count, 13255);
  assert.equal(metric(r, 'http_reqs').values.rate, 13255 / 120.5);
  assert.equal(r.overall.latency?.p95, 12.38);
  assert.equal(r.overall.latency?.p99, undefined);
  assert.equal(metric(r, 'dropped_iterations').values.count, 42);
  assert.equal(r.summary.checks.length, 3);
  assert.equal(r.summary.passed, undefined);
});

test('machine-readable summary 1.0.0 per the published schema: passes/fails, per-name submetrics, passed=false', async () => {
  const r = await readResults(own('machine-readable-summary.published-schema.generated.json'));
  assert.equal(r.summary.passed, false);
  assert.equal(r.overall.rps, 100);
  assert.equal(r.overall.errors, 30);
  assert.equal(r.overall.latency?.p99, 1500.5);
  assert.deepEqual(
    r.byName.map((g) => [g.key, g.requests, g.latency?.p95]),
    [
      ['ok', 3000, 7.25],
      ['pbkdf2', 3000, 990],
    ],
  );
});
