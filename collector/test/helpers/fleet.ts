/**
 * The scale-out setup of issue 11: N collector replicas (the real CLI, each
 * remote-writing to one database) behind a real nginx doing round robin,
 * and real apps with the agent loaded exporting through nginx. Each app
 * blocks its loop for BLOCK_MS every GAP_MS and prints what it did.
 */
import type { TestContext } from 'node:test';
import { startNginx, startNode, type Child, type Nginx } from '@loopscope/testkit';
import { startCli, type ChildCollector } from './collector.js';

const REGISTER = import.meta.resolve('@loopscope/agent/register');

const APP = `
const { PerformanceObserver, performance } = require('node:perf_hooks');
let gcs = 0;
new PerformanceObserver((l) => (gcs += l.getEntries().length)).observe({ entryTypes: ['gc'] });
const BLOCK_MS = Number(process.env.BLOCK_MS), GAP_MS = Number(process.env.GAP_MS);
const until = Date.now() + Number(process.env.RUN_MS);
let blocks = 0;
const tick = () => {
  if (Date.now() >= until) {
    console.log(JSON.stringify({ done: true, blocks, gcs }));
    setInterval(() => {}, 1 << 30);
    return;
  }
  const start = performance.now();
  while (performance.now() - start < BLOCK_MS);
  blocks++;
  setTimeout(tick, GAP_MS);
};
console.log('app started');
setTimeout(tick, GAP_MS);
`;

export const BLOCK_MS = 170;

export interface FleetApp {
  readonly instance: string;
  readonly child: Child;
  /** Resolves with the app's own counts once its run is over. */
  done(): Promise<{ blocks: number; gcs: number }>;
}

export function startFleetApp(
  t: TestContext,
  url: string,
  instance: string,
  runMs: number,
): FleetApp {
  const child = startNode(['--import', REGISTER, '-e', APP], {
    env: {
      OTEL_SERVICE_NAME: 'fleet',
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      BLOCK_MS: String(BLOCK_MS),
      GAP_MS: '400',
      RUN_MS: String(runMs),
    },
  });
  t.after(() => child.stop('SIGKILL', 1000));
  return {
    instance,
    child,
    async done() {
      const m = await child.waitForOutput(/\{"done":true[^\n]*\}/, runMs + 60_000);
      return JSON.parse(m[0]) as { blocks: number; gcs: number };
    },
  };
}

export interface Replicas {
  readonly collectors: ChildCollector[];
  readonly nginx: Nginx;
}

export async function startReplicas(
  t: TestContext,
  n: number,
  args: readonly string[],
): Promise<Replicas> {
  const collectors = await Promise.all(Array.from({ length: n }, () => startCli(t, [...args])));
  const nginx = await startNginx(collectors.map((c) => `127.0.0.1:${c.port}`));
  t.after(() => nginx.stop());
  return { collectors, nginx };
}
