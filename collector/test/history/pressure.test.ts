import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTR, BLOCK_CAUSES, METRICS } from '@loopscope/agent/names';
import { COLUMN } from '@loopscope/collector/ui-columns';
import { History } from '../../src/history/history.js';
import { MAX_VALUES_PER_SAMPLE, OTHER } from '../../src/history/sample.js';
import { SERIES } from '../../src/history/chart-series.js';
import type { DecodedMetric, ResourceMetrics } from '../../src/otlp/model.js';

const T0 = 1_700_000_000_000;

/** A cumulative counter with one point per attribute value (attr undefined: one plain point). */
function counter(
  name: string,
  startMs: number,
  timeMs: number,
  values: Record<string, number>,
  attr?: string,
): DecodedMetric {
  return {
    name,
    unit: 's',
    description: '',
    type: 'sum',
    monotonic: true,
    temporality: 'cumulative',
    points: Object.entries(values).map(([k, value]) => ({
      attributes: attr ? { [attr]: k } : {},
      startTimeMs: startMs,
      timeMs,
      value,
    })),
  };
}

const gauge = (name: string, timeMs: number, value: number): DecodedMetric => ({
  name,
  unit: '',
  description: '',
  type: 'gauge',
  points: [{ attributes: {}, startTimeMs: timeMs, timeMs, value }],
});

const send = (metrics: DecodedMetric[]): ResourceMetrics => ({
  sender: { job: 'svc', instance: 'a', attributes: {} },
  metrics,
});

const blockTime = (startMs: number, t: number, v: Record<string, number>) =>
  counter(METRICS.eventloopBlockTime.name, startMs, t, v, ATTR.blockCause);

test('stall time by cause is a per-second rate of each interval, every cause a column, foreign causes left out', () => {
  const history = new History();
  history.listener([send([blockTime(T0, T0 + 1000, { code: 0.25, cpu_starved: 0.5 })])], T0 + 1000);
  history.listener(
    [send([blockTime(T0, T0 + 3000, { code: 0.75, cpu_starved: 0.5, weird: 9 })])],
    T0 + 3000,
  );
  // Restarted (the count went down): a fresh start, not a negative rate.
  history.listener([send([blockTime(T0 + 3500, T0 + 4000, { syscall: 0.25 })])], T0 + 4000);
  const samples = history.samples('svc', 'a', 0, Infinity) ?? [];
  const columns = SERIES[METRICS.eventloopBlockTime.name]!.columns(samples);
  assert.deepEqual(
    columns.map((c) => c.name),
    [...BLOCK_CAUSES],
  );
  const byName = new Map(columns.map((c) => [c.name, c.values]));
  assert.deepEqual(byName.get('code'), [0.25, 0.25, 0]);
  assert.deepEqual(byName.get('cpu_starved'), [0.5, 0, 0]);
  assert.deepEqual(byName.get('gc'), [0, 0, 0]);
  assert.deepEqual(byName.get('syscall'), [0, 0, 0.5]);

  // The fleet's CPU-starved figure: starved seconds over the rank window.
  const [summary] = history.services(T0 + 4000)[0]?.instances ?? [];
  assert.equal(summary?.starvedSeconds, 0.5);
});

test('an instance without stall time has no CPU-starved figure, not zero', () => {
  const history = new History();
  history.listener([send([gauge(METRICS.heapUsed.name, T0 + 1000, 1)])], T0 + 1000);
  const [summary] = history.services(T0 + 1000)[0]?.instances ?? [];
  assert.equal(summary?.starvedSeconds, null);
  const samples = history.samples('svc', 'a', 0, Infinity) ?? [];
  const stall = SERIES[METRICS.eventloopBlockTime.name]!.columns(samples);
  assert.ok(stall.every((c) => c.values.every((v) => v === null)));
});

test('CPU pressure and thread CPU: run-queue wait, throttled share, CPUs per thread name and the limit', () => {
  const history = new History();
  const exportAt = (t: number, scale: number) =>
    send([
      counter(METRICS.mainthreadCpuWait.name, T0, t, { '': 0.1 * scale }),
      counter(METRICS.cgroupCpuThrottledTime.name, T0, t, { '': 0.3 * scale }),
      counter(
        METRICS.threadsCpuTime.name,
        T0,
        t,
        { 'libuv-worker': 2 * scale, node: 0.05 * scale },
        ATTR.threadName,
      ),
      gauge(METRICS.cgroupCpuLimit.name, t, 1.5),
    ]);
  history.listener([exportAt(T0 + 1000, 1)], T0 + 1000);
  history.listener([exportAt(T0 + 2000, 3)], T0 + 2000);
  const samples = history.samples('svc', 'a', 0, Infinity) ?? [];

  const pressure = SERIES[METRICS.mainthreadCpuWait.name]!.columns(samples);
  assert.deepEqual(
    pressure.map((c) => c.name),
    [COLUMN.cpuWait, COLUMN.throttled],
  );
  const near = (a: number | null | undefined, b: number) =>
    a !== null && a !== undefined && Math.abs(a - b) < 1e-9;
  assert.ok(near(pressure[0]?.values[1], 0.2), JSON.stringify(pressure));
  assert.ok(near(pressure[1]?.values[1], 0.6), JSON.stringify(pressure));

  const threads = SERIES[METRICS.threadsCpuTime.name]!.columns(samples);
  assert.deepEqual(
    threads.map((c) => c.name),
    ['libuv-worker', 'node', COLUMN.limit],
  );
  assert.ok(near(threads[0]?.values[1], 4), JSON.stringify(threads));
  assert.deepEqual(threads[2]?.values, [1.5, 1.5]);
  const [summary] = history.services(T0 + 2000)[0]?.instances ?? [];
  assert.equal(summary?.cpuLimit, 1.5);
});

test('thread names are capped per sample and never become object keys', () => {
  const history = new History();
  const names = ['__proto__', 'constructor', ...Array.from({ length: 40 }, (_, i) => `t${i}`)];
  const values = (scale: number) => {
    const v = new Map(names.map((n, i) => [n, (i + 1) * scale]));
    return Object.fromEntries(v);
  };
  history.listener(
    [send([counter(METRICS.threadsCpuTime.name, T0, T0 + 1000, values(1), ATTR.threadName)])],
    T0 + 1000,
  );
  const threadsCpu = history.samples('svc', 'a', 0, Infinity)?.[0]?.threadsCpu;
  assert.ok(threadsCpu);
  assert.equal(Object.keys(threadsCpu).length, MAX_VALUES_PER_SAMPLE);
  assert.ok(OTHER in threadsCpu);
  assert.equal(Object.getPrototypeOf(threadsCpu), null);
});

test('pool wait is served as its own series beside the round trip', () => {
  assert.equal(SERIES[METRICS.threadpoolWait.name]?.chart, 'poolWait');
  assert.equal(SERIES[METRICS.threadpoolQueueDelay.name]?.chart, 'poolDelay');
});
