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
  startNode,
  startVictoriaMetrics,
  waitFor,
  type Child,
  type VictoriaMetrics,
} from '@loopscope/testkit';
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../src/k6-metrics.js';
import { PROM, bucket } from '../src/metrics.js';
import { checkDashboardQueries, exportedFamilies } from './helpers/dashboard-check.js';
import { remoteWrite } from './helpers/remote-write.js';
import { REPO_ROOT, repoPath } from './helpers/repo.js';

const JOB = 'shop/checkout';
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
  children.push(
    startNode(
      [
        repoPath('collector/dist/src/cli.js'),
        '--port',
        String(collectorPort),
        '--log-level',
        'warn',
        '--remote-write-url',
        vm.writeUrl,
        '--no-scrape-endpoint',
      ],
      { cwd: REPO_ROOT },
    ),
  );
  collectorUrl = `http://127.0.0.1:${collectorPort}`;
  await waitFor(async () => (await fetch(`${collectorUrl}/readyz`)).ok, {
    what: 'the collector to be ready',
    timeoutMs: 30_000,
  });
  for (const instance of INSTANCES) {
    const app = startNode(
      ['--import', '@loopscope/agent/register', repoPath('dashboards/test/fixtures/app.mjs')],
      {
        cwd: REPO_ROOT,
        env: {
          OTEL_SERVICE_NAME: 'checkout',
          OTEL_RESOURCE_ATTRIBUTES: `service.namespace=shop,service.instance.id=${instance},service.version=1.2.3`,
          OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        },
      },
    );
    children.push(app);
    await app.waitForOutput(/listening on (\d+)/);
  }
  await vm.waitForTargetsUp();
  const now = Date.now();
  const times = Array.from({ length: 21 }, (_, i) => now - (20 - i) * 1000);
  const run = { [K6_TESTID_LABEL]: TESTID };
  const req = { ...run, [K6_NAME_LABEL]: 'GET /ok', method: 'GET', status: '200', scenario: 'ok' };
  await remoteWrite(vm.url, [
    { name: K6.httpReqDurationP99, labels: req, samples: times.map((t) => [t, 0.012]) },
    { name: K6.httpReqDurationP95, labels: req, samples: times.map((t) => [t, 0.008]) },
    { name: K6.httpReqs, labels: req, samples: times.map((t, i) => [t, 50 * i]) },
    { name: K6.httpReqFailed, labels: req, samples: times.map((t) => [t, 0]) },
    { name: K6.vus, labels: run, samples: times.map((t) => [t, 10]) },
    { name: K6.vusMax, labels: run, samples: times.map((t) => [t, 20]) },
    {
      name: K6.droppedIterations,
      labels: { ...run, scenario: 'ok' },
      samples: times.map((t, i) => [t, i]),
    },
  ]);
  // Rates need a few exports of both apps.
  const db = vm;
  await waitFor(
    async () =>
      (await db.query(`sum by (instance) (rate(${bucket(PROM.eventloopDelay)}{job="${JOB}"}[1m]))`))
        .length === 2,
    { what: 'loop-delay rates of both apps in VictoriaMetrics', timeoutMs: 30_000 },
  );
  // The thread-pool probe's histogram comes with later exports than the loop's.
  await waitFor(
    async () =>
      (await db.query(`rate(${bucket(PROM.threadpoolWait)}{job="${JOB}",instance="stall-1"}[1m])`))
        .length > 0,
    { what: 'thread-pool wait rates in VictoriaMetrics', timeoutMs: 30_000 },
  );
});

after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGTERM', 3_000)));
  await vm?.stop();
});

test('every dashboard query returns data from VictoriaMetrics', { timeout: 60_000 }, async (t) => {
  const db = vm;
  assert.ok(db);
  await waitFor(
    async () => (await db.query(`${K6.vus}{${K6_TESTID_LABEL}="${TESTID}"}`)).length > 0,
    { what: 'the remote-written k6 series' },
  );
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
