/**
 * The real VictoriaMetrics (Debian package `victoria-metrics`, single node)
 * on a free port with temporary storage: remote write at /api/v1/write, its
 * own Prometheus-format scrape when given targets, PromQL at
 * /api/v1/query(_range). Queries see the newest samples:
 * `-search.latencyOffset=0s` (else the last 30 s are hidden),
 * `-search.disableCache` and `nocache=1` on every query.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import type { PromSample } from './prometheus.js';
import { waitFor } from './wait.js';

export interface VictoriaMetricsOptions {
  /** host:port targets VictoriaMetrics scrapes itself (-promscrape.config), with honor_labels; none = remote write only. */
  targets?: readonly string[];
  jobName?: string;
  scrapeInterval?: string;
  /** Reuse this storage folder (a restart keeps the data); not removed by stop(). */
  dataDir?: string;
  /** Listen on this port (a restart keeps the URL). */
  port?: number;
  /** Extra command-line flags. */
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
  /** GET an API path (nocache=1 added) and return its `data`. */
  api<T = unknown>(path: string): Promise<T>;
  /** Waits until every scrape target has been scraped successfully at least once. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
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
  const scrape: string[] = [];
  if (opts.targets?.length) {
    const configFile = join(await mkdtemp(join(tmpdir(), 'loopscope-vm-scrape-')), 'scrape.yml');
    await writeFile(
      configFile,
      [
        'global:',
        `  scrape_interval: ${opts.scrapeInterval ?? '1s'}`,
        'scrape_configs:',
        `  - job_name: ${opts.jobName ?? 'loopscope-collector'}`,
        '    honor_labels: true',
        '    static_configs:',
        `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
        '',
      ].join('\n'),
    );
    scrape.push(`-promscrape.config=${configFile}`);
  }
  const child = startProcess('victoria-metrics', [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dir}`,
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-retentionPeriod=1d',
    ...scrape,
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
    const sep = path.includes('?') ? '&' : '?';
    const res = await fetch(`${url}${path}${sep}nocache=1`);
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
    api,
    query: async (expr) =>
      (await api<{ result: PromSample[] }>(`/api/v1/query?${stringify({ query: expr })}`)).result,
    queryRange: async (expr, start, end, step) =>
      (
        await api<{ result: PromSample[] }>(
          `/api/v1/query_range?${stringify({ query: expr, start, end, step })}`,
        )
      ).result,
    async waitForTargetsUp(timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const data = await api<{ activeTargets: { health: string }[] }>('/api/v1/targets');
          return (
            data.activeTargets.length > 0 && data.activeTargets.every((t) => t.health === 'up')
          );
        },
        { what: 'all VictoriaMetrics scrape targets up', timeoutMs },
      );
    },
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
      if (scrape.length)
        await rm(join(scrape[0]!.slice('-promscrape.config='.length), '..'), {
          recursive: true,
          force: true,
        });
    },
  };
}
