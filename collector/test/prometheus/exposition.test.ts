import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStore } from '../../src/prometheus/exposition.js';
import { counter, gauge, hist, histogram, num, rm, storeWith, T0 } from '../helpers/model.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';

const PROMOTE = ['deployment.environment.name', 'service.version'];

function richStore() {
  const store = storeWith({ promoteResourceAttributes: PROMOTE });
  store.ingest(
    [
      rm(
        'pod-1',
        [
          counter('http.requests', [num(7, T0 + 1, T0, { 'http.route': '/a"b\\c\nd' })]),
          histogram('loop.delay', [hist([1, 2, 3], T0 + 1, T0, [0.005, 0.1])]),
          gauge('cpu.utilization', [num(0.25, T0 + 1, 0, { 'a.b': 'x', a_b: 'y', job: 'theirs' })]),
          { ...gauge('temperature', [num(-3.5, T0 + 1)], 'Cel'), description: '' },
        ],
        'shop/api',
        {
          'deployment.environment.name': 'prod',
          'service.version': '1.4.2',
          'host.name': 'node-7',
        },
      ),
      rm('pod-2', [counter('http.requests', [num(1, T0 + 1)])], 'shop/api'),
    ],
    T0,
  );
  return store;
}

test('text exposition follows the OpenTelemetry compatibility spec', () => {
  const out = renderStore(richStore(), false, T0);
  const lines = out.split('\n');
  const labels =
    'job="shop/api",instance="pod-1",deployment_environment_name="prod",service_version="1.4.2"';
  assert.ok(lines.includes('# TYPE http_requests_total counter'));
  assert.ok(
    lines.includes(`http_requests_total{${labels},http_route="/a\\"b\\\\c\\nd"} 7`),
    'escaped label value',
  );
  assert.ok(lines.includes('http_requests_total{job="shop/api",instance="pod-2"} 1'));
  // Histograms: cumulative buckets, +Inf last, then _sum and _count.
  const h = lines.filter((l) => l.startsWith('loop_delay_seconds'));
  assert.deepEqual(h, [
    `loop_delay_seconds_bucket{${labels},le="0.005"} 1`,
    `loop_delay_seconds_bucket{${labels},le="0.1"} 3`,
    `loop_delay_seconds_bucket{${labels},le="+Inf"} 6`,
    `loop_delay_seconds_sum{${labels}} 3`,
    `loop_delay_seconds_count{${labels}} 6`,
  ]);
  // Keys that sanitize alike are joined with ';' in key order; a point
  // attribute named like a label the collector sets is renamed.
  assert.ok(
    lines.includes(`cpu_utilization_ratio{${labels},a_b="x;y",exported_job="theirs"} 0.25`),
  );
  assert.ok(
    lines.includes('# HELP temperature_celsius OTLP metric temperature'),
    'a HELP line even without a description',
  );
  assert.ok(lines.includes(`temperature_celsius{${labels}} -3.5`));
  // target_info: every resource attribute except the ones job/instance come from.
  assert.ok(
    lines.includes(
      'target_info{job="shop/api",instance="pod-1",deployment_environment_name="prod",host_name="node-7",service_version="1.4.2"} 1',
    ),
  );
  assert.ok(!out.includes('service_name='));
  assert.ok(!out.includes('# EOF'));
});

test('the text exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(renderStore(richStore(), false, T0));
  assert.equal(code, 0, output);
});

test('OpenMetrics names counter and info families without their sample suffix', () => {
  const out = renderStore(richStore(), true, T0);
  assert.match(out, /^# TYPE http_requests counter$/m);
  assert.match(out, /^http_requests_total\{job="shop\/api",instance="pod-2"\} 1$/m);
  assert.match(out, /^# TYPE target info$/m);
  assert.match(out, /^target_info\{job="shop\/api",instance="pod-2"\} 1$/m);
  assert.match(out, /^# TYPE loop_delay_seconds histogram$/m);
});

test('nothing stored renders nothing', () => {
  assert.equal(renderStore(storeWith(), false), '');
});
