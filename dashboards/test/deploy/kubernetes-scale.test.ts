/**
 * deploy/kubernetes/scale/: the collector as a stateless tier. Checked for
 * what makes it highly available in practice: at least two replicas, a
 * rollout that never drops below them, a disruption budget and an autoscaler
 * that target this Deployment, spread over nodes and zones, and the remote
 * write and query URLs wired from one ConfigMap.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoPath } from '../helpers/repo.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

let manifests: Manifest[];
before(async () => {
  const text = await readFile(repoPath('deploy/kubernetes/scale/collector.yaml'), 'utf8');
  manifests = parseAllDocuments(text).map((doc) => {
    assert.deepEqual(doc.errors, []);
    return doc.toJS() as Manifest;
  });
});

const find = (kind: string): Manifest => {
  const m = manifests.find((x) => x.kind === kind);
  assert.ok(m, `no ${kind}`);
  return m;
};

interface DeploymentSpec {
  replicas: number;
  strategy: { type: string; rollingUpdate?: { maxUnavailable: number | string } };
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      terminationGracePeriodSeconds: number;
      topologySpreadConstraints: {
        topologyKey: string;
        labelSelector: { matchLabels: Record<string, string> };
      }[];
      containers: { env: EnvVar[]; readinessProbe?: unknown }[];
    };
  };
}

test('replicas: 2 or more, RollingUpdate that never goes below them, same names as the single variant', () => {
  const d = find('Deployment');
  assert.equal(d.metadata.name, 'loopscope-collector', 'apps keep exporting to the same Service');
  assert.equal(find('Service').metadata.name, 'loopscope-collector');
  const spec = d.spec as unknown as DeploymentSpec;
  assert.ok(spec.replicas >= 2);
  assert.equal(spec.strategy.type, 'RollingUpdate');
  assert.equal(spec.strategy.rollingUpdate?.maxUnavailable, 0);
  assert.ok(spec.template.spec.containers[0]?.readinessProbe, 'a rollout waits for readiness');
});

test('spread over nodes and zones, selecting its own pods', () => {
  const spec = find('Deployment').spec as unknown as DeploymentSpec;
  const keys = spec.template.spec.topologySpreadConstraints.map((c) => c.topologyKey).sort();
  assert.deepEqual(keys, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  for (const c of spec.template.spec.topologySpreadConstraints)
    for (const [k, v] of Object.entries(c.labelSelector.matchLabels))
      assert.equal(spec.template.metadata.labels[k], v);
});

test('the PodDisruptionBudget and the CPU autoscaler target this Deployment and keep two', () => {
  const spec = find('Deployment').spec as unknown as DeploymentSpec;
  const pdb = find('PodDisruptionBudget');
  assert.equal(pdb.apiVersion, 'policy/v1');
  const pdbSpec = pdb.spec as {
    minAvailable: number;
    selector: { matchLabels: Record<string, string> };
  };
  assert.ok(pdbSpec.minAvailable >= 1 && pdbSpec.minAvailable < spec.replicas);
  assert.deepEqual(pdbSpec.selector.matchLabels, spec.selector.matchLabels);
  const hpa = find('HorizontalPodAutoscaler');
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  const h = hpa.spec as {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { resource: { name: string; target: { type: string } } }[];
  };
  assert.deepEqual(
    [h.scaleTargetRef.kind, h.scaleTargetRef.name],
    ['Deployment', 'loopscope-collector'],
  );
  assert.ok(h.minReplicas >= 2 && h.maxReplicas > h.minReplicas);
  assert.equal(h.metrics[0]?.resource.name, 'cpu');
  assert.equal(h.metrics[0]?.resource.target.type, 'Utilization');
});

test('remote write and query URLs come from the ConfigMap; each pod names its replica', () => {
  const spec = find('Deployment').spec as unknown as DeploymentSpec;
  const env = spec.template.spec.containers[0]?.env ?? [];
  const cm = find('ConfigMap');
  for (const [name, kind] of [
    ['LOOPSCOPE_REMOTE_WRITE_URL', '/api/v1/write'],
    ['LOOPSCOPE_QUERY_URL', ''],
  ] as const) {
    const ref = env.find((e) => e.name === name)?.valueFrom?.configMapKeyRef;
    assert.ok(ref, name);
    assert.equal(ref.name, cm.metadata.name);
    const url = new URL(cm.data?.[ref.key] ?? '');
    assert.ok(url.pathname.endsWith(kind), `${name}: ${url.href}`);
  }
  const names = env.map((e) => e.name);
  assert.ok(names.indexOf('POD_NAME') < names.indexOf('LOOPSCOPE_REPLICA_NAME'));
  assert.equal(env.find((e) => e.name === 'LOOPSCOPE_REPLICA_NAME')?.value, '$(POD_NAME)');
  const grace = spec.template.spec.terminationGracePeriodSeconds;
  const shutdown = env.find((e) => e.name === 'LOOPSCOPE_SHUTDOWN_TIMEOUT')?.value ?? '10s';
  assert.ok(grace > Number.parseInt(shutdown, 10), 'the queues flush before the kubelet kills');
});
