/**
 * The parts both end-to-end tests (Prometheus scraping, VictoriaMetrics fed
 * by remote write) set up alike: agents in child processes, k6-shaped series
 * by remote write, and the waits for their data to be queryable.
 */
import { startNode, waitFor, type Child, type PromApi } from '@loopscope/testkit';
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../../src/k6-metrics.js';
import { PROM, bucket } from '../../src/metrics.js';
import { remoteWrite } from './remote-write.js';
import { REPO_ROOT, repoPath } from './repo.js';

/** The service the apps belong to (`service.namespace/service.name`). */
export const JOB = 'shop/checkout';

/** The test app with the agent, exporting every second to `collectorUrl`; resolves with its port. */
export async function startAgentApp(
  children: Child[],
  instance: string,
  collectorUrl: string,
): Promise<number> {
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
  return Number((await app.waitForOutput(/listening on (\d+)/))[1]);
}

/** The collector CLI on `port` with `flags`, once ready; resolves with its URL. */
export async function startCollector(
  children: Child[],
  port: number,
  flags: readonly string[] = [],
): Promise<string> {
  children.push(
    startNode(
      [
        repoPath('collector/dist/src/cli.js'),
        '--port',
        String(port),
        '--log-level',
        'warn',
        ...flags,
      ],
      { cwd: REPO_ROOT },
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, {
    what: 'the collector to be ready',
    timeoutMs: 30_000,
  });
  return url;
}

/** k6's remote-write series of run `testid` for the last 20 seconds, one sample a second. */
export async function pushK6Series(url: string, testid: string): Promise<void> {
  const now = Date.now();
  const times = Array.from({ length: 21 }, (_, i) => now - (20 - i) * 1000);
  const run = { [K6_TESTID_LABEL]: testid };
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

/** Until the loop-delay rates of `count` apps of JOB can be queried (rates need a few exports). */
export async function waitForLoopDelayRates(db: PromApi, count: number, where: string) {
  await waitFor(
    async () =>
      (await db.query(`sum by (instance) (rate(${bucket(PROM.eventloopDelay)}{job="${JOB}"}[1m]))`))
        .length === count,
    { what: `loop-delay rates of ${count} apps in ${where}`, timeoutMs: 30_000 },
  );
}

/** Until the remote-written k6 series of run `testid` can be queried. */
export async function waitForK6Series(db: PromApi, testid: string): Promise<void> {
  await waitFor(
    async () => (await db.query(`${K6.vus}{${K6_TESTID_LABEL}="${testid}"}`)).length > 0,
    { what: 'the remote-written k6 series' },
  );
}
