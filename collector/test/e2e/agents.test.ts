// Real agents in child processes -> the collector CLI (with its own agent)
// -> /metrics -> a real Prometheus scraping it with honor_labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, startPrometheus } from '@loopscope/testkit';
import { METRICS } from '@loopscope/agent/names';
import { promNameOf } from '../../src/prometheus/name.js';
import { COLLECTOR_METRICS } from '../../src/self-metric-names.js';
import { scrape, startCli } from '../helpers/collector.js';
import { startAgentApp } from '../helpers/agents.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';

const DELAY = promNameOf(METRICS.eventloopDelay);
const INSTANCES = ['app-1', 'app-2', 'app-3'];

test('agents -> collector -> /metrics -> Prometheus: fleet p99 of event-loop delay', async (t) => {
  // The collector runs with its own agent (self-monitoring is on by default).
  const c = await startCli(t, ['--self-monitor'], undefined, {
    OTEL_METRIC_EXPORT_INTERVAL: '500',
  });
  await Promise.all(
    INSTANCES.map((instance) => startAgentApp(t, c.url, { service: 'e2e-app', instance })),
  );

  const text = await waitFor(
    async () => {
      const body = await scrape(c.url);
      const ready = [...INSTANCES, undefined].every((i) =>
        body.includes(
          i
            ? `${DELAY}_count{job="e2e-app",instance="${i}",deployment_environment_name="test"}`
            : `${DELAY}_count{job="loopscope-collector"`,
        ),
      );
      return ready && body;
    },
    { what: 'every agent and the collector itself in /metrics', timeoutMs: 30_000 },
  );
  for (const i of INSTANCES) {
    assert.match(
      text,
      new RegExp(
        `^${COLLECTOR_METRICS.senderLastSeen}\\{job="e2e-app",instance="${i}"\\} \\d`,
        'm',
      ),
    );
    assert.match(text, new RegExp(`^target_info\\{job="e2e-app",instance="${i}",`, 'm'));
  }
  const check = await promtoolCheckMetrics(text);
  assert.equal(check.code, 0, check.output);

  const prom = await startPrometheus({ targets: [`127.0.0.1:${c.port}`] });
  t.after(() => prom.stop());
  await prom.waitForTargetsUp();
  const query = `histogram_quantile(0.99, sum by (job, le) (rate(${DELAY}_bucket[1m])))`;
  const result = await waitFor(
    async () => {
      const r = await prom.query(query);
      const app = r.find((s) => s.metric.job === 'e2e-app');
      const v = Number(app?.value?.[1]);
      return Number.isFinite(v) && v > 0 && r;
    },
    { what: `${query} to return a number for job e2e-app`, timeoutMs: 30_000, intervalMs: 500 },
  );
  assert.ok(
    result.some((s) => s.metric.job === 'loopscope-collector'),
    "the collector's own loop too",
  );
  // honor_labels kept the agents' instance labels instead of the collector's address.
  const perInstance = await prom.query(`count by (instance) (${DELAY}_count{job="e2e-app"})`);
  assert.deepEqual(perInstance.map((s) => s.metric.instance).sort(), INSTANCES);
  const self = await prom.query(`${COLLECTOR_METRICS.senders}`);
  assert.ok(Number(self[0]?.value?.[1]) >= 4);
});
