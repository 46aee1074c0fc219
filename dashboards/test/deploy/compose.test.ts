/**
 * Docker cannot run here, so the compose stack is checked for what breaks it
 * in practice: YAML validity, files that do not exist, and ports and URLs that
 * disagree between services and their configuration files.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { before, test } from 'node:test';
import { parse } from 'yaml';
import { K6_TREND_STATS } from '../../src/k6-metrics.js';
import { repoPath } from '../helpers/repo.js';
import { tool } from '../helpers/tools.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: string[] | Record<string, unknown>;
}

let services: Record<string, Service>;
const readYaml = async <T>(path: string): Promise<T> =>
  parse(await readFile(repoPath(path), 'utf8')) as T;

before(async () => {
  services = (await readYaml<{ services: Record<string, Service> }>('docker-compose.yml')).services;
});

const service = (name: string): Service => {
  const s = services[name];
  assert.ok(s, `no service ${name}`);
  return s;
};

/** Bind mounts as [host path relative to the repo, container path]. */
const mounts = (s: Service): [string, string][] =>
  (s.volumes ?? []).map((v) => {
    const [host = '', container = ''] = v.split(':');
    return [posix.normalize(host), container];
  });

/** The repository path a container path comes from, through the service's bind mounts. */
function hostPathOf(s: Service, containerPath: string): string {
  for (const [host, container] of mounts(s)) {
    if (containerPath === container) return host;
    if (containerPath.startsWith(`${container}/`))
      return posix.join(host, containerPath.slice(container.length + 1));
  }
  assert.fail(`${containerPath} is not mounted`);
}

/** Container ports a service publishes. */
const published = (s: Service): number[] => (s.ports ?? []).map((p) => Number(p.split(':').pop()));

/** `http://host:port/...` -> the service it names, which must publish that port. */
function assertServiceUrl(url: string, expectedService: string): void {
  const u = new URL(url);
  assert.equal(u.hostname, expectedService, url);
  assert.ok(
    published(service(expectedService)).includes(Number(u.port)),
    `${expectedService} does not publish ${u.port} (${url})`,
  );
}

/** `x/dist/src/y.js` (what the image runs) -> `x/src/y.ts` (what the repository has). */
const sourceOf = (script: string): string =>
  script.replace('/dist/src/', '/src/').replace(/\.js$/, '.ts');

test('the stack has the services the deploy README describes', () => {
  assert.deepEqual(Object.keys(services).sort(), [
    'alertmanager',
    'collector',
    'collector-1',
    'collector-2',
    'gateway',
    'grafana',
    'grafana-scale',
    'k6',
    'prometheus',
    'prometheus-scale',
    'target',
    'target-scaled',
  ]);
});

test('every mounted file and folder exists, and so does the Dockerfile with its ignore file', () => {
  for (const [name, s] of Object.entries(services)) {
    for (const [host] of mounts(s))
      assert.ok(existsSync(repoPath(host)), `${name}: ${host} does not exist`);
    if (s.build) {
      assert.ok(
        existsSync(repoPath(s.build.context, s.build.dockerfile)),
        `${name}: no ${s.build.dockerfile}`,
      );
      assert.ok(existsSync(repoPath(s.build.context, `${s.build.dockerfile}.dockerignore`)));
    }
  }
});

test('collector and target run scripts the repository builds, the target with the agent', () => {
  const collector = service('collector');
  const target = service('target');
  assert.equal(target.image, collector.image, 'the target reuses the image the collector builds');
  for (const s of [collector, target]) {
    const script = s.command?.find((c) => c.endsWith('.js'));
    assert.ok(script && existsSync(repoPath(sourceOf(script))), `no source for ${script}`);
  }
  const args = target.command ?? [];
  assert.equal(args[args.indexOf('--import') + 1], '@loopscope/agent/register');
  assert.ok(published(target).includes(Number(args[args.indexOf('--port') + 1])));
  assert.ok(published(collector).includes(Number(collector.environment?.LOOPSCOPE_PORT)));
  assert.equal(collector.environment?.LOOPSCOPE_HOST, '0.0.0.0', 'reachable from other containers');
  assertServiceUrl(target.environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '', 'collector');
});

test('Prometheus: config and rules mounted where the config says, remote-write receiver on, targets are services', async () => {
  const prom = service('prometheus');
  const configPath = prom.command?.find((c) => c.startsWith('--config.file='))?.split('=')[1] ?? '';
  assert.equal(hostPathOf(prom, configPath), 'deploy/prometheus/prometheus.yml');
  assert.ok(prom.command?.includes('--web.enable-remote-write-receiver'));
  const config = await readYaml<{
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  }>('deploy/prometheus/prometheus.yml');
  for (const glob of config.rule_files) {
    const dir = hostPathOf(prom, posix.join(posix.dirname(configPath), posix.dirname(glob)));
    for (const f of ['loopscope-recording.yml', 'loopscope-alerts.yml'])
      assert.ok(existsSync(repoPath(dir, f)), `${dir}/${f}`);
  }
  const targets = [
    ...config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets)),
    ...config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets)),
  ].filter((t) => !t.startsWith('localhost:'));
  assert.ok(targets.includes('collector:4318'));
  for (const t of targets) assertServiceUrl(`http://${t}`, t.split(':')[0] ?? '');
});

test('Grafana: datasource points at the Prometheus service, dashboards provisioned from the generated folder', async () => {
  const grafana = service('grafana');
  const provisioning = hostPathOf(grafana, '/etc/grafana/provisioning');
  const ds = await readYaml<{ datasources: { url: string; type: string }[] }>(
    `${provisioning}/datasources/prometheus.yml`,
  );
  assert.equal(ds.datasources[0]?.type, 'prometheus');
  assertServiceUrl(ds.datasources[0]?.url ?? '', 'prometheus');
  const providers = await readYaml<{ providers: { options: { path: string } }[] }>(
    `${provisioning}/dashboards/loopscope.yml`,
  );
  const dashboards = hostPathOf(grafana, providers.providers[0]?.options.path ?? '');
  assert.equal(dashboards, 'deploy/grafana/dashboards');
  const home = grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
  assert.ok(existsSync(repoPath(hostPathOf(grafana, home))), home);
});

test('Alertmanager: the mounted config is the example', () => {
  const am = service('alertmanager');
  const configPath = am.command?.find((c) => c.startsWith('--config.file='))?.split('=')[1] ?? '';
  assert.equal(hostPathOf(am, configPath), 'deploy/alertmanager/alertmanager.yml');
});

test('k6: grafana/k6 remote-writing to Prometheus with a testid and the trend stats the k6 dashboard reads', () => {
  const k6 = service('k6');
  assert.match(k6.image ?? '', /^grafana\/k6:/);
  assert.deepEqual(k6.profiles, ['load'], 'a load test is run on demand, not by `up`');
  const env = k6.environment ?? {};
  const rw = new URL(env.K6_PROMETHEUS_RW_SERVER_URL ?? '');
  assertServiceUrl(rw.href, 'prometheus');
  assert.equal(rw.pathname, '/api/v1/write');
  assert.ok(k6.command?.includes('experimental-prometheus-rw'));
  assert.ok(env.TESTID, 'TESTID sets the testid tag in loadtests/k6/lib/config.ts');
  assert.equal(env.K6_PROMETHEUS_RW_TREND_STATS, K6_TREND_STATS);
  assertServiceUrl(env.BASE_URL ?? '', 'target');
  const script = k6.command?.find((c) => c.endsWith('.ts')) ?? '';
  assert.ok(existsSync(repoPath(hostPathOf(k6, script))), script);
});

const SCALE = [
  'collector-1',
  'collector-2',
  'gateway',
  'target-scaled',
  'prometheus-scale',
  'grafana-scale',
];

test('scale profile: agents -> nginx -> two collectors -> remote write -> Prometheus with an out-of-order window -> Grafana', async () => {
  for (const name of SCALE)
    assert.deepEqual(service(name).profiles, ['scale'], `${name}: profile scale`);
  const collectors = ['collector-1', 'collector-2'].map(service);
  for (const [i, c] of collectors.entries()) {
    assert.equal(c.image, service('collector').image, 'the image the stack builds');
    const e = c.environment ?? {};
    assert.equal(e.LOOPSCOPE_HOST, '0.0.0.0');
    const rw = new URL(e.LOOPSCOPE_REMOTE_WRITE_URL ?? '');
    assertServiceUrl(rw.href, 'prometheus-scale');
    assert.equal(rw.pathname, '/api/v1/write');
    assertServiceUrl(e.LOOPSCOPE_QUERY_URL ?? '', 'prometheus-scale');
    assert.equal(e.LOOPSCOPE_REPLICA_NAME, `collector-${i + 1}`, 'each replica names itself');
    assert.ok(published(c).includes(Number(e.LOOPSCOPE_PORT)));
  }
  // nginx balances over exactly the two collectors, on their OTLP port, and listens where agents send.
  const gateway = service('gateway');
  assert.match(gateway.image ?? '', /^nginx:/);
  const conf = await readFile(repoPath(hostPathOf(gateway, '/etc/nginx/nginx.conf')), 'utf8');
  const upstream = [...conf.matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((m) => m[1] ?? '');
  assert.deepEqual(upstream.sort(), ['collector-1:4318', 'collector-2:4318']);
  for (const u of upstream) assertServiceUrl(`http://${u}`, u.split(':')[0] ?? '');
  const listen = Number(/^\s*listen\s+(\d+);/m.exec(conf)?.[1]);
  assert.ok(published(gateway).includes(listen), `gateway publishes its listen port ${listen}`);
  const target = service('target-scaled');
  assertServiceUrl(target.environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '', 'gateway');

  const prom = service('prometheus-scale');
  assert.ok(prom.command?.includes('--web.enable-remote-write-receiver'));
  const configPath = prom.command?.find((c) => c.startsWith('--config.file='))?.split('=')[1] ?? '';
  const configFile = hostPathOf(prom, configPath);
  assert.equal(configFile, 'deploy/prometheus/prometheus-scale.yml');
  const config = await readYaml<{ storage?: { tsdb?: { out_of_order_time_window?: string } } }>(
    configFile,
  );
  assert.ok(config.storage?.tsdb?.out_of_order_time_window, 'two replicas write out of order');
  const out = await tool('promtool', 'check', 'config', repoPath(configFile));
  assert.match(out, /SUCCESS/);

  const grafana = service('grafana-scale');
  const ds = await readYaml<{ datasources: { url: string }[] }>(
    `${hostPathOf(grafana, '/etc/grafana/provisioning/datasources')}/prometheus.yml`,
  );
  assertServiceUrl(ds.datasources[0]?.url ?? '', 'prometheus-scale');
  assert.equal(
    hostPathOf(grafana, '/var/lib/grafana/dashboards/loopscope'),
    'deploy/grafana/dashboards',
  );
});
