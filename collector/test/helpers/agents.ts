/**
 * Real applications with the loopscope agent loaded the zero-code way
 * (`node --import @loopscope/agent/register`), in child processes of the
 * Node running the tests, exporting to a collector.
 */
import type { TestContext } from 'node:test';
import { startNode, type Child } from '@loopscope/testkit';

const REGISTER = import.meta.resolve('@loopscope/agent/register');

/** A small app that blocks its loop for a few ms now and then, so the delay histogram moves. */
const APP = `
setInterval(() => { const end = Date.now() + 3; while (Date.now() < end); }, 40);
console.log('app started');
`;

export interface AgentApp {
  child: Child;
  instance: string;
}

export async function startAgentApp(
  t: TestContext,
  collectorUrl: string,
  opts: { service: string; instance: string; intervalMs?: number; env?: NodeJS.ProcessEnv },
): Promise<AgentApp> {
  const child = startNode(['--import', REGISTER, '-e', APP], {
    env: {
      OTEL_SERVICE_NAME: opts.service,
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${opts.instance},deployment.environment.name=test`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_METRIC_EXPORT_INTERVAL: String(opts.intervalMs ?? 300),
      ...opts.env,
    },
  });
  t.after(() => child.stop('SIGKILL', 1000));
  await child.waitForOutput(/app started/);
  return { child, instance: opts.instance };
}
