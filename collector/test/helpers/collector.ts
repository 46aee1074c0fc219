/**
 * A collector in the test process (buildApp, listening on a free port) or
 * as a real child process (the CLI), both stopped when the test ends.
 */
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { startNode, freePort, type Child } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';
import type { CollectorConfig } from '../../src/config.js';

export interface InProcessCollector {
  app: FastifyInstance;
  url: string;
  /** Every log line written so far. */
  logs: string[];
}

export async function startInProcess(
  t: TestContext,
  config: Partial<CollectorConfig> = {},
): Promise<InProcessCollector> {
  const logs: string[] = [];
  const app = buildApp(
    { logLevel: 'warn', selfMonitor: false, ...config },
    { logStream: { write: (line) => void logs.push(line) } },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logs };
}

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface ChildCollector {
  child: Child;
  url: string;
  port: number;
}

/** The real CLI in a child process; `args` are extra flags. */
export async function startCli(
  t: TestContext,
  args: readonly string[] = [],
  port?: number,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildCollector> {
  const p = port ?? (await freePort());
  const child = startNode([CLI, '--port', String(p), '--no-self-monitor', ...args], { env });
  t.after(() => child.stop('SIGKILL', 1000));
  await child.waitForOutput(/loopscope collector listening on/);
  return { child, url: `http://127.0.0.1:${p}`, port: p };
}

/** GET /metrics as text. */
export async function scrape(url: string, accept?: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, accept ? { headers: { accept } } : {});
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  return res.text();
}

/** The value of one exposed sample, by its full name+labels text. */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
