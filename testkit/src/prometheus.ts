import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Child } from './child.js';
import { freePort } from './ports.js';
import { promApi, type PromApi } from './prom-api.js';
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

export interface Prometheus extends PromApi {
  readonly url: string;
  readonly child: Child;
  /** Ends Prometheus (SIGTERM, SIGKILL after graceMs) and removes its temporary files. */
  stop(graceMs?: number): Promise<void>;
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
    ...promApi(url, 'Prometheus'),
    async stop(graceMs = 5_000) {
      await child.stop('SIGTERM', graceMs);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
