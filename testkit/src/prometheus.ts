import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'node:querystring';
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export interface PrometheusOptions {
  /** host:port targets scraped by one job with honor_labels (as deploy/prometheus does for the collector). */
  targets: readonly string[];
  jobName?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** Absolute paths of rule files to load. */
  ruleFiles?: readonly string[];
  /** Extra command-line flags, e.g. '--web.enable-remote-write-receiver'. */
  flags?: readonly string[];
  /** Extra top-level YAML appended to the config, e.g. a `storage:` section. */
  extraConfig?: string;
  /** Reuse this storage folder (a restart keeps the data); removed by stop() only if created here. */
  dataDir?: string;
  /** Listen on this port (a restart keeps the URL). */
  port?: number;
}

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export interface Prometheus {
  readonly url: string;
  readonly child: Child;
  /** Instant query; throws with Prometheus' own error message on a bad query. */
  query(expr: string): Promise<PromSample[]>;
  queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
  ): Promise<PromSample[]>;
  /** GET an API path (e.g. '/api/v1/alerts') and return its `data`. */
  api<T = unknown>(path: string): Promise<T>;
  /** Waits until every target has been scraped successfully at least once. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the real Prometheus (Debian package) on a free port with a temporary config and storage. */
export async function startPrometheus(opts: PrometheusOptions): Promise<Prometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-prom-'));
  const port = opts.port ?? (await freePort());
  const config = [
    'global:',
    `  scrape_interval: ${opts.scrapeInterval ?? '1s'}`,
    `  evaluation_interval: ${opts.evaluationInterval ?? '1s'}`,
    ...(opts.ruleFiles?.length
      ? ['rule_files:', ...opts.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)]
      : []),
    ...(opts.targets.length > 0
      ? [
          'scrape_configs:',
          `  - job_name: ${opts.jobName ?? 'loopscope-collector'}`,
          '    honor_labels: true',
          '    static_configs:',
          `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
        ]
      : []),
    ...(opts.extraConfig ? [opts.extraConfig] : []),
    '',
  ].join('\n');
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, config);
  const child = startProcess('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${opts.dataDir ?? join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(opts.flags ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  await waitFor(
    async () => {
      if (child.process.exitCode !== null) throw new Error(`prometheus exited:\n${child.stderr()}`);
      return (await fetch(`${url}/-/ready`)).ok;
    },
    { what: 'Prometheus to be ready', timeoutMs: 30_000 },
  );

  return {
    url,
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
        { what: 'all scrape targets up', timeoutMs },
      );
    },
    async stop() {
      await child.stop('SIGTERM', 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
