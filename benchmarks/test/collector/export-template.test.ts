import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetricsExport } from '@loopscope/collector';
import { METRICS } from '@loopscope/agent/names';
import {
  buildTemplate,
  exportOf,
  fromJson,
  instanceId,
  JOB,
  toJson,
} from '../../src/collector/export-template.js';
import { pushText } from '../../src/collector/pushgateway-text.js';

test('patched exports decode in full as another sender at a later time', async () => {
  const template = fromJson(toJson(await buildTemplate()));
  assert.ok(template.points >= 30, `an agent export has dozens of points, got ${template.points}`);
  const later = template.timeNs + 7_000_000_000n;
  const decoded = decodeMetricsExport(exportOf(template, 42, later), 'protobuf');
  assert.equal(decoded.rejections.total, 0);
  const [rm] = decoded.resourceMetrics;
  assert.ok(rm);
  assert.equal(rm.sender.job, JOB);
  assert.equal(rm.sender.instance, instanceId(42));
  const points = rm.metrics.flatMap((m): readonly { timeMs: number }[] => m.points);
  assert.equal(points.length, template.points);
  // The decoder keeps sub-millisecond time as a float: compare within a microsecond.
  const laterMs = Number(later) / 1e6;
  for (const p of points)
    assert.ok(Math.abs(p.timeMs - laterMs) < 1e-3, `${p.timeMs} vs ${laterMs}`);
  assert.ok(rm.metrics.some((m) => m.name === METRICS.eventloopDelay.name));
  // The template itself is untouched.
  const original = decodeMetricsExport(template.body, 'protobuf').resourceMetrics[0];
  assert.equal(original?.sender.instance, instanceId(0));
});

test('the Pushgateway body is the same data as Prometheus text without job and instance', async () => {
  const text = pushText(await buildTemplate());
  assert.match(text, /^nodejs_eventloop_delay_seconds_bucket\{le="\+Inf"\} \d+$/m);
  assert.doesNotMatch(text, /\b(job|instance)="/);
  assert.doesNotMatch(text, /\{\}|,\}/);
});
