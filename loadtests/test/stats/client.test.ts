import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAggregator } from '../../src/stats/client.js';
import { quantileOf } from '../../src/stats/series-math.js';

const T0 = 1_700_000_000_000;
const tags = (name: string, extra: Record<string, string> = {}) => ({
  name,
  scenario: 'main',
  status: '200',
  ...extra,
});

test('per-second and per-name percentiles agree with exact quantiles within the sketch accuracy', () => {
  const agg = new ClientAggregator();
  agg.declare({
    name: 'http_req_duration',
    type: 'trend',
    thresholds: ['p(95)<100', 'p(99)<50'],
    submetrics: [{ name: 'http_req_duration{name:slow}', tags: { name: 'slow' } }],
  });
  agg.declare({ name: 'http_req_failed', type: 'rate', thresholds: ['rate<0.1'], submetrics: [] });
  const exact: Record<number, number[]> = {};
  let seed = 7;
  const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let s = 0; s < 5; s++) {
    for (let i = 0; i < 400; i++) {
      const slow = i % 10 === 0;
      const v = slow ? 200 + rnd() * 100 : 1 + rnd() * 20 * (s + 1);
      const t = T0 + s * 1000 + i * 2.5;
      (exact[s] ??= []).push(v);
      agg.sample({
        metric: 'http_req_duration',
        time: t,
        value: v,
        tags: tags(slow ? 'slow' : 'fast'),
      });
      agg.sample({ metric: 'http_reqs', time: t, value: 1, tags: tags(slow ? 'slow' : 'fast') });
      agg.sample({
        metric: 'http_req_failed',
        time: t,
        value: slow && i % 20 === 0 ? 1 : 0,
        tags: tags(slow ? 'slow' : 'fast'),
      });
    }
  }
  agg.sample({
    metric: 'dropped_iterations',
    time: T0 + 4500,
    value: 3,
    tags: { scenario: 'main' },
  });
  const r = agg.finish('ndjson', []);
  assert.equal(r.resolutionMs, 1000);
  assert.equal(r.timeline.length, 5);
  r.timeline.forEach((b, s) => {
    const values = exact[s] ?? [];
    for (const [q, got] of [
      [0.5, b.latency?.p50],
      [0.95, b.latency?.p95],
      [0.99, b.latency?.p99],
    ] as const) {
      const want = quantileOf(values, q) as number;
      assert.ok(Math.abs((got ?? 0) / want - 1) < 0.03, `second ${s} q${q}: ${got} vs ${want}`);
    }
    assert.equal(b.requests, 400);
    assert.equal(b.rps, 400);
  });
  assert.equal(r.timeline[4]?.dropped, 3);
  assert.equal(r.overall.requests, 2000);
  assert.equal(r.overall.errors, 100);
  assert.equal(r.overall.errorRate, 0.05);
  const slow = r.byName.find((g) => g.key === 'slow');
  assert.equal(slow?.requests, 200);
  assert.ok((slow?.latency?.min ?? 0) >= 200);
  // Declared submetric aggregated from matching samples only.
  const sub = r.summary.metrics.find((m) => m.name === 'http_req_duration{name:slow}');
  assert.equal(sub?.values.count, 200);
  // Thresholds from the Metric lines, evaluated: p95 over all is ~250 ms (fails <100), rate 0.05 < 0.1 passes.
  assert.deepEqual(
    r.summary.thresholds.map((t) => [t.metric, t.expression, t.passed, t.source]),
    [
      ['http_req_duration', 'p(95)<100', false, 'evaluated'],
      ['http_req_duration', 'p(99)<50', false, 'evaluated'],
      ['http_req_failed', 'rate<0.1', true, 'evaluated'],
    ],
  );
});

test('without http_req_failed (k6 < 0.31) errors come from the status tag; name cardinality is capped', () => {
  const agg = new ClientAggregator(undefined, 3);
  for (let i = 0; i < 10; i++) {
    const status = i < 2 ? '500' : '200';
    agg.sample({
      metric: 'http_reqs',
      time: T0 + i,
      value: 1,
      tags: tags(`/item/${i}`, { status }),
    });
    agg.sample({
      metric: 'http_req_duration',
      time: T0 + i,
      value: 5,
      tags: tags(`/item/${i}`, { status }),
    });
  }
  const warnings: string[] = [];
  const r = agg.finish('ndjson', warnings);
  assert.equal(r.overall.errors, 2);
  assert.deepEqual(r.byName.map((g) => g.key).sort(), ['(other)', '/item/0', '/item/1', '/item/2']);
  assert.equal(r.byName.find((g) => g.key === '(other)')?.requests, 7);
  assert.match(warnings.join(), /more than 3 distinct name tags/);
});
