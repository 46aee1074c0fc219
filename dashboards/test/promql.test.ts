import assert from 'node:assert/strict';
import { test } from 'node:test';
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../src/k6-metrics.js';
import { COLLECTOR, LABEL, PROM, bucket, count, sum } from '../src/metrics.js';
import { RECORDED } from '../src/rules/recording.js';
import { METRICS } from '@loopscope/agent/names';
import { committedDashboards, committedRules } from './helpers/generated.js';
import {
  namesIn,
  panelExprs,
  promqlErrors,
  ruleExprs,
  substitute,
  variableQueries,
  type DashboardJson,
  type Expr,
} from './helpers/queries.js';

/** Any value works for syntax: Grafana substitutes text before Prometheus parses. */
const VARS = { job: 'shop/checkout', instance: 'a-1', testid: 'run-1', datasource: 'prometheus' };

async function allExprs(): Promise<Expr[]> {
  const out: Expr[] = [];
  for (const { json } of await committedDashboards()) {
    const d = json as unknown as DashboardJson;
    out.push(...panelExprs(d).map((e) => ({ ...e, expr: substitute(e.expr, VARS) })));
    for (const v of variableQueries(d)) {
      out.push({ where: `${d.title} / variable ${v.variable}`, expr: substitute(v.series, VARS) });
    }
  }
  for (const { file, text } of await committedRules()) out.push(...ruleExprs(file, text));
  return out;
}

test('every PromQL expression in the dashboards and rules parses without error nodes', async () => {
  const exprs = await allExprs();
  assert.ok(exprs.length > 80, `only ${exprs.length} expressions found`);
  const bad = exprs
    .map((e) => ({ ...e, errors: promqlErrors(e.expr) }))
    .filter((e) => e.errors.length > 0)
    .map((e) => `${e.where}: ${e.expr} ${e.errors.join('; ')}`);
  assert.deepEqual(bad, []);
});

test('the syntax check catches a broken expression', () => {
  assert.notDeepEqual(promqlErrors('sum(rate(x[1m])'), []);
  assert.notDeepEqual(promqlErrors('x{job=~"$job"}[5m'), []);
});

test('expressions use only metric and label names from the single sources', async () => {
  const histograms = Object.entries(METRICS)
    .filter(([, d]) => d.kind === 'histogram')
    .map(([k]) => PROM[k as keyof typeof PROM]);
  const metrics = new Set([
    ...Object.values(PROM),
    ...histograms.flatMap((h) => [bucket(h), sum(h), count(h)]),
    ...Object.values(COLLECTOR),
    ...Object.values(K6),
    ...Object.values(RECORDED),
  ]);
  const labels = new Set([
    'job',
    'instance',
    'le',
    'reason',
    K6_TESTID_LABEL,
    K6_NAME_LABEL,
    ...Object.values(LABEL),
  ]);
  const unknown: string[] = [];
  for (const e of await allExprs()) {
    const names = namesIn(e.expr);
    for (const m of names.metrics) if (!metrics.has(m)) unknown.push(`${e.where}: metric ${m}`);
    for (const l of names.labels) if (!labels.has(l)) unknown.push(`${e.where}: label ${l}`);
  }
  assert.deepEqual(unknown, []);
});

test('the dashboards cover the blocked-loop metrics and the collector health metrics', async () => {
  const text = (await allExprs()).map((e) => e.expr).join('\n');
  for (const name of [
    PROM.eventloopBlocks,
    bucket(PROM.eventloopBlockDuration),
    COLLECTOR.droppedPoints,
    COLLECTOR.expiredSeries,
    COLLECTOR.series,
    COLLECTOR.senderLastSeen,
    K6.httpReqDurationP99,
    K6.droppedIterations,
  ]) {
    assert.ok(text.includes(name), `no query uses ${name}`);
  }
});
