import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusName, promNameOf, sanitizeLabel } from '../../src/prometheus/name.js';
import { METRICS } from '@loopscope/agent/names';

// Examples from the OpenTelemetry Prometheus compatibility spec and the OTel
// Collector's prometheus exporter.
test('unit suffixes and _total follow the compatibility spec', () => {
  assert.equal(
    prometheusName('http.server.duration', 's', 'histogram'),
    'http_server_duration_seconds',
  );
  assert.equal(prometheusName('system.memory.usage', 'By', 'gauge'), 'system_memory_usage_bytes');
  assert.equal(
    prometheusName('system.cpu.utilization', '1', 'gauge'),
    'system_cpu_utilization_ratio',
  );
  assert.equal(prometheusName('http.requests', '{request}', 'counter'), 'http_requests_total');
  assert.equal(prometheusName('speed', 'm/s', 'gauge'), 'speed_meters_per_second');
  assert.equal(prometheusName('foo.bar_seconds', 's', 'gauge'), 'foo_bar_seconds');
  assert.equal(prometheusName('a..b--c', '', 'gauge'), 'a_b_c');
  assert.equal(prometheusName('2xx', '', 'gauge'), '_2xx');
  assert.equal(sanitizeLabel('service.instance.id'), 'service_instance_id');
});

test('more compatibility-spec cases: per-units, annotations, unit 1 on non-gauges', () => {
  assert.equal(prometheusName('network.io', 'By/s', 'gauge'), 'network_io_bytes_per_second');
  assert.equal(prometheusName('packets', '{packet}/s', 'gauge'), 'packets_per_second');
  assert.equal(prometheusName('rpc.duration', 'ms', 'histogram'), 'rpc_duration_milliseconds');
  assert.equal(prometheusName('errors', '1', 'counter'), 'errors_total');
  assert.equal(
    prometheusName('system.processes.created', '{process}', 'counter'),
    'system_processes_created_total',
  );
  assert.equal(prometheusName('requests_total', '{request}', 'counter'), 'requests_total');
  assert.equal(prometheusName('metric.name.with-dashes', '', 'gauge'), 'metric_name_with_dashes');
  assert.equal(
    prometheusName('http.server.request.duration', 's', 'histogram'),
    'http_server_request_duration_seconds',
  );
  assert.equal(sanitizeLabel('2xx.count'), 'key_2xx_count');
  assert.equal(sanitizeLabel('k8s.pod.name'), 'k8s_pod_name');
});

test('loopscope metric names convert as the issues promise', () => {
  assert.equal(promNameOf(METRICS.eventloopDelay), 'nodejs_eventloop_delay_seconds');
  assert.equal(promNameOf(METRICS.eventloopUtilization), 'nodejs_eventloop_utilization_ratio');
  assert.equal(promNameOf(METRICS.eventloopTime), 'nodejs_eventloop_time_seconds_total');
  assert.equal(promNameOf(METRICS.eventloopBlocks), 'loopscope_eventloop_blocks_total');
  assert.equal(promNameOf(METRICS.heapUsed), 'v8js_memory_heap_used_bytes');
  assert.equal(promNameOf(METRICS.threadpoolPending), 'loopscope_threadpool_pending');
});
