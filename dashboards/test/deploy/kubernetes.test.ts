import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoPath } from '../helpers/repo.js';
import { tool } from '../helpers/tools.js';

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

let manifests: Manifest[];
before(async () => {
  const dir = repoPath('deploy/kubernetes');
  manifests = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], file);
      manifests.push(doc.toJS() as Manifest);
    }
  }
});

const find = (kind: string, name: string): Manifest => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(m, `no ${kind} ${name}`);
  return m;
};
const containers = (d: Manifest): Container[] =>
  (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
const env = (c: Container, name: string): string | undefined =>
  c.env?.find((e) => e.name === name)?.value;

test('every Deployment container has probes, requests and limits, and env references defined before use', () => {
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  assert.equal(deployments.length, 2);
  for (const d of deployments) {
    for (const c of containers(d)) {
      const where = `${d.metadata.name}/${c.name}`;
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        assert.ok(probe?.httpGet?.path, `${where}: probe`);
        assert.ok(
          c.ports?.some((p) => p.name === probe.httpGet?.port),
          `${where}: probe port ${probe.httpGet?.port}`,
        );
      }
      for (const k of ['cpu', 'memory']) {
        assert.ok(c.resources?.requests?.[k], `${where}: requests.${k}`);
        assert.ok(c.resources?.limits?.[k], `${where}: limits.${k}`);
      }
      const seen = new Set<string>();
      for (const e of c.env ?? []) {
        for (const ref of (e.value ?? '').matchAll(/\$\((\w+)\)/g))
          assert.ok(
            seen.has(ref[1] ?? ''),
            `${where}: ${e.name} uses $(${ref[1]}) before it is defined`,
          );
        seen.add(e.name);
      }
    }
  }
});

test('the collector: one replica, probes on /readyz and /healthz, a Service on the OTLP port', () => {
  const deployment = find('Deployment', 'loopscope-collector');
  assert.equal(deployment.spec?.replicas, 1);
  const [c] = containers(deployment);
  assert.ok(c);
  assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
  assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
  assert.equal(env(c, 'LOOPSCOPE_HOST'), '0.0.0.0');
  const service = find('Service', 'loopscope-collector');
  const spec = service.spec as {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string }[];
  };
  const podLabels = (
    deployment.spec as { template: { metadata: { labels: Record<string, string> } } }
  ).template.metadata.labels;
  for (const [k, v] of Object.entries(spec.selector))
    assert.equal(podLabels[k], v, 'Service selects the collector pods');
  assert.ok(
    c.ports?.some(
      (p) =>
        p.name === spec.ports[0]?.targetPort &&
        p.containerPort === Number(env(c, 'LOOPSCOPE_PORT')),
    ),
  );
});

test('the app enables the agent through NODE_OPTIONS and exports to the collector Service', () => {
  const [app] = containers(find('Deployment', 'checkout'));
  assert.ok(app);
  assert.match(env(app, 'NODE_OPTIONS') ?? '', /--import @loopscope\/agent\/register/);
  const endpoint = new URL(env(app, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '');
  const service = find('Service', endpoint.hostname).spec as { ports: { port: number }[] };
  assert.equal(Number(endpoint.port), service.ports[0]?.port);
  assert.match(env(app, 'OTEL_RESOURCE_ATTRIBUTES') ?? '', /service\.instance\.id=\$\(POD_NAME\)/);
});

test('the Prometheus ConfigMap passes promtool and keeps the collector endpoints with honor_labels', async () => {
  const text = find('ConfigMap', 'prometheus-loopscope').data?.['prometheus.yml'] ?? '';
  const config = parse(text) as {
    scrape_configs: {
      honor_labels: boolean;
      kubernetes_sd_configs?: { role: string }[];
      static_configs?: { targets: string[] }[];
      relabel_configs: { regex: string; action: string }[];
    }[];
  };
  const job = config.scrape_configs[0];
  assert.ok(job);
  assert.equal(job.honor_labels, true);
  assert.deepEqual(job.kubernetes_sd_configs, [{ role: 'endpoints' }]);
  assert.deepEqual(job.relabel_configs[0], {
    source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'],
    regex: 'loopscope-collector;otlp-http',
    action: 'keep',
  });
  // Debian's Prometheus is built without Kubernetes service discovery, so
  // promtool checks everything else with a static target in its place.
  delete job.kubernetes_sd_configs;
  job.static_configs = [{ targets: ['loopscope-collector:4318'] }];
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-k8s-'));
  try {
    await writeFile(join(dir, 'prometheus.yml'), stringify(config));
    assert.match(await tool('promtool', 'check', 'config', join(dir, 'prometheus.yml')), /SUCCESS/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the ServiceMonitor selects the collector Service port with honorLabels', () => {
  const sm = find('ServiceMonitor', 'loopscope-collector').spec as {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; honorLabels: boolean }[];
  };
  const service = find('Service', 'loopscope-collector');
  for (const [k, v] of Object.entries(sm.selector.matchLabels))
    assert.equal(service.metadata.labels?.[k], v);
  assert.equal(sm.endpoints[0]?.honorLabels, true);
  assert.equal(
    sm.endpoints[0]?.port,
    (service.spec as { ports: { name: string }[] }).ports[0]?.name,
  );
});
