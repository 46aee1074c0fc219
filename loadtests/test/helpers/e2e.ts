/**
 * What both end-to-end tests (autocannon phases, real k6) do alike: start the
 * target with the agent exporting to a collector, run loopscope-analyze for
 * its JSON report, and explain a verdict when an assertion fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort, runNode, startNode, waitFor, type Child } from '@loopscope/testkit';
import type { Report } from '../../src/analysis/report.js';
import { CLI, PACKAGE_DIR, REPO_DIR } from './paths.js';

const COLLECTOR_CLI = join(REPO_DIR, 'collector', 'dist', 'src', 'cli.js');
const TARGET_CLI = join(PACKAGE_DIR, 'dist', 'src', 'target', 'cli.js');

/** The collector CLI on a free port with `flags`, stopped after the test; resolves once it listens. */
export async function startCollector(
  t: TestContext,
  flags: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<{ url: string; port: number }> {
  const port = await freePort();
  const collector = startNode([COLLECTOR_CLI, '--port', String(port), ...flags], {
    cwd: REPO_DIR,
  });
  t.after(() => collector.stop());
  await collector.waitForOutput(/listening on/, timeoutMs);
  return { url: `http://127.0.0.1:${port}`, port };
}

/** loopscope-analyze's JSON report of `file`; fails the test on any other exit than 0. */
export async function analyzeJson(file: string, ...args: string[]): Promise<Report> {
  const r = await runNode([CLI, file, '--format', 'json', '--no-progress', ...args], {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, `${file} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

/** A verdict with its evidence and the timeline it was drawn from, for a failure message. */
export function explain(label: string, r: Report): string {
  const v = r.analysis.verdict;
  const rows = r.timeline
    .map(
      (x) =>
        `${x.p95?.toFixed(1)} loop=${x.server.loopDelayP99?.toFixed(1)} pool=${x.server.poolDelayP99?.toFixed(1)} elu=${x.server.utilization?.toFixed(2)}`,
    )
    .join('\n');
  return `${label}: ${v.bottleneck} (${v.summary})\n${v.evidence.join('\n')}\n${rows}`;
}

/**
 * The target with the agent (job `e2e/<service>`, exporting every second, a
 * one-thread pool probed every 250 ms) and `env` on top; resolves with its
 * base URL and process once the collector lists the job.
 */
export async function startAgentTarget(
  t: TestContext,
  service: string,
  collectorUrl: string,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ baseUrl: string; target: Child }> {
  const port = await freePort();
  const target = startNode(
    ['--import', '@loopscope/agent/register', TARGET_CLI, '--port', String(port)],
    {
      cwd: REPO_DIR,
      env: {
        OTEL_SERVICE_NAME: service,
        OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=e2e',
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS: '250',
        UV_THREADPOOL_SIZE: '1',
        ...env,
      },
    },
  );
  t.after(() => target.stop());
  await target.waitForOutput(/listening on/, timeoutMs);
  const job = `e2e/${service}`;
  await waitFor(
    async () => {
      const body = (await (await fetch(`${collectorUrl}/api/v1/instances`)).json()) as {
        services: { job: string }[];
      };
      return body.services.some((s) => s.job === job);
    },
    { what: `the collector to list job ${job}`, timeoutMs, intervalMs: 250 },
  );
  return { baseUrl: `http://127.0.0.1:${port}`, target };
}
