/**
 * End to end with real parts: agents in child processes export OTLP to a real
 * collector; a real Prometheus scrapes it with rules generated (short for:)
 * by the CLI; k6-shaped series arrive through Prometheus' remote-write
 * receiver, as k6's output would send them. Every dashboard query, with its
 * variables resolved the way Grafana does, must return data, and a loop stall
 * induced in one app must fire the loop-delay alert for that instance only.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  freePort,
  runNode,
  startNode,
  startPrometheus,
  waitFor,
  type Child,
  type Prometheus,
} from '@loopscope/testkit';
import { RULES_DIR } from '../src/generate.js';
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../src/k6-metrics.js';
import { PROM, bucket } from '../src/metrics.js';
import { CLI, REPO_ROOT, repoPath } from './helpers/repo.js';
import { checkDashboardQueries, exportedFamilies } from './helpers/dashboard-check.js';
import { remoteWrite } from './helpers/remote-write.js';

const JOB = 'shop/checkout';
const CALM = 'calm-1';
const STALLED = 'stall-1';
const TESTID = 'e2e-run';
/** Thread-pool alert threshold (s): far below the stalls' 400 ms, which the probe's round trip includes. */
const POOL_WAIT = 0.05;
/** The value each dashboard variable gets: what a user would pick in Grafana. */
const PICK: Record<string, string> = { job: JOB, instance: STALLED, [K6_TESTID_LABEL]: TESTID };

const children: Child[] = [];
let dir: string;
let prometheus: Prometheus | undefined;
let ports: Record<string, number> = {};
let collectorUrl = '';

async function startApp(instance: string, collectorPort: number): Promise<number> {
  const app = startNode(
    ['--import', '@loopscope/agent/register', repoPath('dashboards/test/fixtures/app.mjs')],
    {
      cwd: REPO_ROOT,
      env: {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: `service.namespace=shop,service.instance.id=${instance},service.version=1.2.3`,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    },
  );
  children.push(app);
  return Number((await app.waitForOutput(/listening on (\d+)/))[1]);
}

/** k6's remote-write series for the last 20 seconds, one sample a second. */
async function pushK6Series(url: string): Promise<void> {
  const now = Date.now();
  const times = Array.from({ length: 21 }, (_, i) => now - (20 - i) * 1000);
  const run = { [K6_TESTID_LABEL]: TESTID };
  const req = { ...run, [K6_NAME_LABEL]: 'GET /ok', method: 'GET', status: '200', scenario: 'ok' };
  await remoteWrite(url, [
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
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopscope-e2e-'));
  const generated = await runNode([
    CLI,
    '--out',
    dir,
    '--loop-delay-warning-for',
    '2s',
    '--loop-delay-critical-for',
    '2s',
    '--threadpool-wait',
    String(POOL_WAIT),
    '--threadpool-wait-for',
    '2s',
  ]);
  assert.equal(generated.code, 0, generated.stderr);

  const collectorPort = await freePort();
  const collector = startNode(
    [repoPath('collector/dist/src/cli.js'), '--port', String(collectorPort), '--log-level', 'warn'],
    { cwd: REPO_ROOT },
  );
  children.push(collector);
  collectorUrl = `http://127.0.0.1:${collectorPort}`;
  await waitFor(async () => (await fetch(`${collectorUrl}/readyz`)).ok, {
    what: 'the collector to be ready',
    timeoutMs: 30_000,
  });
  ports = {
    [CALM]: await startApp(CALM, collectorPort),
    [STALLED]: await startApp(STALLED, collectorPort),
  };
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${collectorPort}`],
    ruleFiles: ['loopscope-recording.yml', 'loopscope-alerts.yml'].map((f) =>
      join(dir, RULES_DIR, f),
    ),
    flags: ['--web.enable-remote-write-receiver'],
  });
  await prometheus.waitForTargetsUp();
  await pushK6Series(prometheus.url);
});

after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGTERM', 3_000)));
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

test(
  'an induced loop stall fires LoopEventLoopDelayHigh for that instance only',
  { timeout: 90_000 },
  async () => {
    const p = prometheus;
    assert.ok(p);
    // Rates need a few scrapes of both apps before the stall.
    await waitFor(
      async () =>
        (
          await p.query(
            `sum by (instance) (rate(${bucket(PROM.eventloopDelay)}{job="${JOB}"}[1m]))`,
          )
        ).length === 2,
      { what: 'loop-delay rates of both apps', timeoutMs: 30_000 },
    );
    const res = await fetch(`http://127.0.0.1:${ports[STALLED]}/stall?ms=400&times=50`);
    assert.equal(res.status, 200);

    type Alert = { labels: Record<string, string>; state: string };
    const firing = await waitFor(
      async () => {
        const { alerts } = await p.api<{ alerts: Alert[] }>('/api/v1/alerts');
        const mine = alerts.filter(
          (a) => a.labels.alertname === 'LoopEventLoopDelayHigh' && a.state === 'firing',
        );
        return mine.length > 0 ? alerts : undefined;
      },
      { what: 'LoopEventLoopDelayHigh to fire', timeoutMs: 60_000, intervalMs: 500 },
    );
    const delayAlerts = firing.filter((a) => a.labels.alertname === 'LoopEventLoopDelayHigh');
    assert.deepEqual(
      delayAlerts.map((a) => [a.labels.job, a.labels.instance, a.labels.severity]),
      [[JOB, STALLED, 'warning']],
    );
    // The pool is idle: the probe's round trip carries the stalls (an alert
    // on it would fire), the pool wait does not, and its alert stays silent.
    const roundTrip = `histogram_quantile(0.99, sum by (le) (rate(${bucket(PROM.threadpoolQueueDelay)}{instance="${STALLED}"}[5m])))`;
    await waitFor(async () => Number((await p.query(roundTrip))[0]?.value?.[1] ?? 0) > POOL_WAIT, {
      what: `the stalled app's pool round trip p99 above ${POOL_WAIT} s`,
      timeoutMs: 30_000,
    });
    const { alerts } = await p.api<{ alerts: Alert[] }>('/api/v1/alerts');
    assert.deepEqual(
      alerts.filter((a) => a.labels.alertname === 'LoopThreadPoolWaitHigh'),
      [],
      'the thread-pool alert must not fire (or pend) for a stalled loop with an idle pool',
    );
  },
);

test(
  'every dashboard query returns data, with the variables resolved like Grafana does',
  { timeout: 60_000 },
  async (t) => {
    const p = prometheus;
    assert.ok(p);
    await waitFor(
      async () => (await p.query(`${K6.vus}{${K6_TESTID_LABEL}="${TESTID}"}`)).length > 0,
      {
        what: 'the remote-written k6 series',
      },
    );
    const { checked, empty, waiting } = await checkDashboardQueries(
      p,
      PICK,
      await exportedFamilies(collectorUrl),
    );
    assert.ok(checked > 70, `only ${checked} queries`);
    assert.deepEqual(empty, [], 'queries without data');
    if (waiting.length > 0)
      t.diagnostic(`no agent exports the blocked-loop metrics yet; empty: ${waiting.join(' | ')}`);
  },
);
