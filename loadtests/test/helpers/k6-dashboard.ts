import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prometheus } from '@loopscope/testkit';
import { REPO_DIR } from './paths.js';

/** One real k6 run whose remote-write output is in Prometheus, with k6's own totals. */
export interface DashboardRun {
  testid: string;
  fromMs: number;
  toMs: number;
  requests: number;
  dropped: number;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
}

/** The committed k6 dashboard (npm run dashboards), its queries by panel title. */
function panels(): Map<string, string[]> {
  const file = join(REPO_DIR, 'deploy', 'grafana', 'dashboards', 'loopscope-k6.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  return new Map(
    doc.panels.map((p) => [p.title ?? '', (p.targets ?? []).map((t) => t.expr ?? '')]),
  );
}

/** Grafana's variables as a user would have them: this run, every job, every instance. */
const fill = (expr: string, testid: string) =>
  expr
    .replaceAll('$testid', testid)
    .replaceAll('$job', '.*')
    .replaceAll('$instance', '.*')
    .replaceAll('$__rate_interval', '4s');

const values = (r: { values?: [number, string][] }[]) =>
  r.flatMap((s) => (s.values ?? []).map(([t, v]) => [t, Number(v)] as const));

/**
 * The k6 dashboard's panels over k6's real `-o experimental-prometheus-rw`
 * output: dropped iterations show k6's own total (also from a single burst),
 * the request rate has a value at the counter's first flush, the VU panel is
 * not flat zero for arrival-rate scenarios, and the target panels leave out
 * the collector's own self-monitoring job when the job variable is "All".
 */
export async function checkK6Dashboard(prom: Prometheus, runs: DashboardRun[]): Promise<string[]> {
  const p = panels();
  const q = (title: string, i: number) => {
    const expr = p.get(title)?.[i];
    assert.ok(expr, `the k6 dashboard has a "${title}" panel with query ${i}`);
    return expr;
  };
  const notes: string[] = [];
  for (const run of runs) {
    const from = Math.floor(run.fromMs / 1000) - 2;
    const to = Math.ceil(run.toMs / 1000) + 15;
    const range = (expr: string) => prom.queryRange(fill(expr, run.testid), from, to, 1);

    const dropped = values(await range(q('Dropped iterations', 0)));
    const droppedShown = dropped.length > 0 ? Math.max(...dropped.map(([, v]) => v)) : 0;
    assert.equal(droppedShown, run.dropped, `${run.testid}: dropped iterations panel vs k6`);

    const total = values(
      await prom.queryRange(`sum(k6_http_reqs_total{testid="${run.testid}"})`, from, to, 1),
    );
    assert.equal(
      Math.max(...total.map(([, v]) => v)),
      run.requests,
      `${run.testid}: requests in Prometheus vs k6`,
    );
    // The first flush of the request counter: rate() has nothing there, this panel has.
    const firstFlush = (total[0] as readonly [number, number])[0];
    const rps = new Map(values(await range(q('Requests per second', 0))));
    assert.ok(
      (rps.get(firstFlush) ?? 0) > 0,
      `${run.testid}: requests per second at the first flush (${firstFlush})`,
    );

    const allocated = values(await range(q('Virtual users', 1)));
    assert.ok(
      allocated.some(([, v]) => v > 0),
      `${run.testid}: allocated VUs shown`,
    );
    notes.push(
      `${run.testid}: dropped ${droppedShown} (k6 ${run.dropped}), requests ${Math.max(...total.map(([, v]) => v))} (k6 ${run.requests})`,
    );
  }
  // Target panels with job = All: the target, never the collector's own agent.
  const all = {
    fromMs: Math.min(...runs.map((r) => r.fromMs)),
    toMs: Math.max(...runs.map((r) => r.toMs)),
  };
  const util = await prom.queryRange(
    fill(q('Loop utilization', 0), ''),
    Math.floor(all.fromMs / 1000),
    Math.ceil(all.toMs / 1000),
    5,
  );
  const jobs = new Set(util.map((s) => s.metric.job));
  assert.ok(jobs.size > 0, 'the loop utilization panel has the target');
  assert.ok(
    !jobs.has('loopscope-collector'),
    `target panels exclude the collector: ${[...jobs].join(', ')}`,
  );
  const everything = await prom.query('count by (job) (nodejs_eventloop_time_seconds_total)');
  assert.ok(
    everything.some((s) => s.metric.job === 'loopscope-collector'),
    'the collector does monitor itself (else the exclusion proves nothing)',
  );
  return notes;
}
