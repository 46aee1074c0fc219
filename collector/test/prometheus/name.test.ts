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

test('loopscope metric names convert as the issues promise', () => {
  assert.equal(promNameOf(METRICS.eventloopDelay), 'nodejs_eventloop_delay_seconds');
  assert.equal(promNameOf(METRICS.eventloopUtilization), 'nodejs_eventloop_utilization_ratio');
  assert.equal(promNameOf(METRICS.eventloopTime), 'nodejs_eventloop_time_seconds_total');
  assert.equal(promNameOf(METRICS.eventloopBlocks), 'loopscope_eventloop_blocks_total');
  assert.equal(promNameOf(METRICS.heapUsed), 'v8js_memory_heap_used_bytes');
  assert.equal(promNameOf(METRICS.threadpoolPending), 'loopscope_threadpool_pending');
});
