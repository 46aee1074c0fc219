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
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import { promApi, type PromApi } from './prom-api.js';
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

/** `api` adds nocache=1 to every path. */
export interface VictoriaMetrics extends PromApi {
  readonly url: string;
  /** Where remote write goes. */
  readonly writeUrl: string;
  readonly child: Child;
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

  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    child,
    ...promApi(url, 'VictoriaMetrics', 'nocache=1'),
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
