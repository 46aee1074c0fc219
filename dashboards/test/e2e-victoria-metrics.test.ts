/**
 * The same end-to-end check as e2e.test.ts, against VictoriaMetrics instead
 * of Prometheus, fed the scale-out way (issue 11): agents in child processes
 * export to a real collector run as a remote-write gateway
 * (`--remote-write-url`, `--no-scrape-endpoint`) that writes every export into
 * a real VictoriaMetrics; VictoriaMetrics scrapes only the collector's own
 * metrics from its /metrics, and takes k6-shaped series by remote write. Every dashboard
 * query must return data; every recording rule's expression must return
 * data (VictoriaMetrics evaluates no rules itself: vmalert does, with these
 * expressions); and every alert runs, with the recorded series it reads
 * replaced by the rule's expression, as vmalert would have recorded it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import {
  freePort,
  startVictoriaMetrics,
  waitFor,
  type Child,
  type VictoriaMetrics,
} from '@loopscope/testkit';
import { K6_TESTID_LABEL } from '../src/k6-metrics.js';
import { PROM, bucket } from '../src/metrics.js';
import { checkDashboardQueries, exportedFamilies } from './helpers/dashboard-check.js';
import {
  JOB,
  pushK6Series,
  startAgentApp,
  startCollector,
  waitForK6Series,
  waitForLoopDelayRates,
} from './helpers/e2e-setup.js';
import { repoPath } from './helpers/repo.js';

const INSTANCES = ['calm-1', 'stall-1'];
const TESTID = 'vm-run';
const PICK: Record<string, string> = { job: JOB, instance: 'stall-1', [K6_TESTID_LABEL]: TESTID };

const children: Child[] = [];
let vm: VictoriaMetrics | undefined;
let collectorUrl = '';

before(async () => {
  const collectorPort = await freePort();
  // Scrapes only the collector's own metrics (ingest rate, series, drops): --no-scrape-endpoint.
  vm = await startVictoriaMetrics({ targets: [`127.0.0.1:${collectorPort}`] });
  collectorUrl = await startCollector(children, collectorPort, [
    '--remote-write-url',
    vm.writeUrl,
    '--no-scrape-endpoint',
  ]);
  const ports: number[] = [];
  for (const instance of INSTANCES)
    ports.push(await startAgentApp(children, instance, collectorUrl));
  await vm.waitForTargetsUp();
  await pushK6Series(vm.url, TESTID);
  const db = vm;
  await waitForLoopDelayRates(db, INSTANCES.length, 'VictoriaMetrics');
  // The thread-pool probe's histogram comes with later exports than the loop's.
  await waitFor(
    async () =>
      (await db.query(`rate(${bucket(PROM.threadpoolWait)}{job="${JOB}",instance="stall-1"}[1m])`))
        .length > 0,
    { what: 'thread-pool wait rates in VictoriaMetrics', timeoutMs: 30_000 },
  );
  // stall-1 stalls, so the stall panels have data. Waited for as the panels read it: a rate of
  // the stall histogram that is not all zero (an incidental stall on a loaded machine exported
  // the family, whose rates then read 0 and the quantile panels empty).
  const stalling = await fetch(`http://127.0.0.1:${ports[1]}/stall?ms=300&times=20`);
  assert.equal(stalling.status, 200);
  await waitFor(
    async () =>
      (
        await db.query(
          `histogram_quantile(0.5, sum by (le) (rate(${bucket(PROM.eventloopBlockDuration)}{job="${JOB}",instance="stall-1"}[1m])))`,
        )
      ).length > 0,
    { what: 'a stall duration quantile in VictoriaMetrics', timeoutMs: 30_000 },
  );
});

after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGTERM', 3_000)));
  await vm?.stop();
});

test('every dashboard query returns data from VictoriaMetrics', { timeout: 60_000 }, async (t) => {
  const db = vm;
  assert.ok(db);
  await waitForK6Series(db, TESTID);
  const { checked, empty, waiting } = await checkDashboardQueries(db, PICK, await exported(db));
  assert.ok(checked > 70, `only ${checked} queries`);
  assert.deepEqual(empty, [], 'queries without data');
  if (waiting.length > 0) t.diagnostic(`blocked-loop families not exported yet: ${waiting.length}`);
});

/**
 * The families the agents sent: in gateway mode the collector's /metrics has only its own,
 * so the rest are the names the database received by remote write.
 */
async function exported(db: VictoriaMetrics): Promise<Set<string>> {
  const written = await db.api<string[]>('/api/v1/label/__name__/values');
  return new Set([
    ...(await exportedFamilies(collectorUrl)),
    ...written.map((n) => n.replace(/_(bucket|sum|count)$/, '')),
  ]);
}

interface Rules {
  groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
}

test(
  'every recording rule returns data and every alert runs on VictoriaMetrics',
  { timeout: 60_000 },
  async () => {
    const db = vm;
    assert.ok(db);
    const read = async (f: string) =>
      (
        parse(await readFile(repoPath('deploy/prometheus/rules', f), 'utf8')) as Rules
      ).groups.flatMap((g) => g.rules);
    const recording = await read('loopscope-recording.yml');
    const alerts = await read('loopscope-alerts.yml');
    assert.ok(recording.length >= 10 && alerts.length >= 7);
    const empty: string[] = [];
    for (const r of recording) {
      if ((await db.query(r.expr)).length === 0) empty.push(`${r.record}: ${r.expr}`);
    }
    assert.deepEqual(empty, [], 'recording rules without data');

    // What vmalert would have recorded: each recorded name becomes its expression (a subquery where ranged).
    const expand = (expr: string): string =>
      recording.reduce((e, r) => {
        const name = (r.record ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return e
          .replace(new RegExp(`${name}\\[(\\w+)\\]`, 'g'), `(${r.expr})[$1:15s]`)
          .replace(new RegExp(`${name}(?![\\w:])`, 'g'), `(${r.expr})`);
      }, expr);
    for (const a of alerts) {
      const expr = expand(a.expr);
      assert.ok(!/\w+:\w+:\w+/.test(expr.replace(/\[[^\]]*\]/g, '')), `${a.alert}: ${expr}`);
      // Runs without an error (the testkit throws VictoriaMetrics' message); healthy apps fire nothing
      // but the heap ratio and delay inputs must exist.
      await db.query(expr);
      const input = expr.split(/\s+(?:>|and)\s+/)[0] ?? expr;
      assert.ok((await db.query(input)).length > 0, `${a.alert}: no data for ${input}`);
    }
  },
);
