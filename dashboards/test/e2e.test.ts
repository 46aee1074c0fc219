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
  startPrometheus,
  waitFor,
  type Child,
  type Prometheus,
} from '@loopscope/testkit';
import { RULES_DIR } from '../src/generate.js';
import { K6_TESTID_LABEL } from '../src/k6-metrics.js';
import { PROM, bucket } from '../src/metrics.js';
import { CLI } from './helpers/repo.js';
import { checkDashboardQueries, exportedFamilies } from './helpers/dashboard-check.js';
import {
  JOB,
  pushK6Series,
  startAgentApp,
  startCollector,
  waitForK6Series,
  waitForLoopDelayRates,
} from './helpers/e2e-setup.js';

const CALM = 'calm-1';
const STALLED = 'stall-1';
const TESTID = 'e2e-run';
/** Thread-pool alert threshold (s): far below the stalls' 400 ms, which the pool wait must leave out. */
const POOL_WAIT = 0.05;
/** The value each dashboard variable gets: what a user would pick in Grafana. */
const PICK: Record<string, string> = { job: JOB, instance: STALLED, [K6_TESTID_LABEL]: TESTID };

const children: Child[] = [];
let dir: string;
let prometheus: Prometheus | undefined;
let ports: Record<string, number> = {};
let collectorUrl = '';

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
  collectorUrl = await startCollector(children, collectorPort);
  ports = {
    [CALM]: await startAgentApp(children, CALM, collectorUrl),
    [STALLED]: await startAgentApp(children, STALLED, collectorUrl),
  };
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${collectorPort}`],
    ruleFiles: ['loopscope-recording.yml', 'loopscope-alerts.yml'].map((f) =>
      join(dir, RULES_DIR, f),
    ),
    flags: ['--web.enable-remote-write-receiver'],
  });
  await prometheus.waitForTargetsUp();
  await pushK6Series(prometheus.url, TESTID);
});

after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGTERM', 3_000)));
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

test(
  'an induced loop stall fires LoopEventLoopDelayHigh for that instance only',
  { timeout: 90_000 },
  async (t) => {
    const p = prometheus;
    assert.ok(p);
    // Rates need a few scrapes of both apps before the stall.
    await waitForLoopDelayRates(p, 2, 'Prometheus');
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
    // The pool is idle: its wait stays low while the loop stalls, and the pool alert, which
    // reads it, stays silent. (The probe's round trip includes the loop's own delay when a
    // probe's callback waits out a stall; with 50 ms between stalls most probes return in
    // the gaps, so how high it gets varies: shown, not asserted.)
    const p99Of = (name: string): string =>
      `histogram_quantile(0.99, sum by (le) (rate(${bucket(name)}{instance="${STALLED}"}[5m])))`;
    await waitFor(async () => (await p.query(p99Of(PROM.threadpoolWait))).length > 0, {
      what: "the stalled app's pool wait p99",
      timeoutMs: 30_000,
    });
    const valueOf = async (expr: string): Promise<number> =>
      Number((await p.query(expr))[0]?.value?.[1] ?? NaN);
    const wait = await valueOf(p99Of(PROM.threadpoolWait));
    t.diagnostic(
      `stalled app: pool wait p99 ${wait} s, probe round trip p99 ${await valueOf(p99Of(PROM.threadpoolQueueDelay))} s`,
    );
    assert.ok(wait < POOL_WAIT, `pool wait p99 ${wait} s stays under ${POOL_WAIT} s`);
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
    await waitForK6Series(p, TESTID);
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
