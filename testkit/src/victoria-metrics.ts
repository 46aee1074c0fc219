/**
 * The real VictoriaMetrics (Debian package `victoria-metrics`, single node)
 * on a free port with temporary storage: remote write at /api/v1/write,
 * PromQL at /api/v1/query(_range). Queries pass nocache=1, and the server
 * runs with -search.latencyOffset=0s, or the last 30 s would be hidden.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';
import type { PromSample } from './prometheus.js';

export interface VictoriaMetricsOptions {
  /** Reuse this storage folder (a restart keeps the data); not removed by stop(). */
  dataDir?: string;
  /** Listen on this port (a restart keeps the URL). */
  port?: number;
  flags?: readonly string[];
}

export interface VictoriaMetrics {
  readonly url: string;
  /** Where remote write goes. */
  readonly writeUrl: string;
  readonly child: Child;
  query(expr: string): Promise<PromSample[]>;
  queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
  ): Promise<PromSample[]>;
  /** One sample value of the server's own /metrics (summed over label sets matching `name{...}` prefix). */
  selfMetric(name: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startVictoriaMetrics(
  opts: VictoriaMetricsOptions = {},
): Promise<VictoriaMetrics> {
  const own = opts.dataDir === undefined;
  const dir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'loopscope-vm-')));
  const port = opts.port ?? (await freePort());
  const child = startProcess('victoria-metrics', [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dir}`,
    '-search.latencyOffset=0s',
    '-retentionPeriod=1d',
    ...(opts.flags ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.process.exitCode !== null) {
        throw new Error(`victoria-metrics exited:\n${child.stderr()}`);
      }
      return (await fetch(`${url}/health`)).ok;
    },
    { what: 'VictoriaMetrics to be ready', timeoutMs: 30_000 },
  );

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') {
      throw new Error(`VictoriaMetrics ${path}: ${body.error ?? res.status}`);
    }
    return body.data;
  }

  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    child,
    query: async (expr) =>
      (
        await api<{ result: PromSample[] }>(
          `/api/v1/query?${stringify({ query: expr, nocache: 1 })}`,
        )
      ).result,
    queryRange: async (expr, start, end, step) =>
      (
        await api<{ result: PromSample[] }>(
          `/api/v1/query_range?${stringify({ query: expr, start, end, step, nocache: 1 })}`,
        )
      ).result,
    async selfMetric(name) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    },
    async stop() {
      await child.stop('SIGTERM', 10_000);
      if (own) await rm(dir, { recursive: true, force: true });
    },
  };
}
