import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '@loopscope/agent/names';
import { COLUMN } from '@loopscope/collector/ui-columns';
import { History } from '../../src/history/history.js';
import { SERIES } from '../../src/history/chart-series.js';
import type { DecodedMetric, ResourceMetrics } from '../../src/otlp/model.js';

const T0 = 1_700_000_000_000;

const blocks = (
  startMs: number,
  timeMs: number,
  value: number,
  temporality: 'cumulative' | 'delta' = 'cumulative',
): DecodedMetric => ({
  name: METRICS.eventloopBlocks.name,
  unit: METRICS.eventloopBlocks.unit,
  description: '',
  type: 'sum',
  monotonic: true,
  temporality,
  points: [{ attributes: {}, startTimeMs: startMs, timeMs, value }],
});

const heap = (timeMs: number): DecodedMetric => ({
  name: METRICS.heapUsed.name,
  unit: 'By',
  description: '',
  type: 'gauge',
  points: [{ attributes: {}, startTimeMs: timeMs, timeMs, value: 1 }],
});

const send = (instance: string, metrics: DecodedMetric[]): ResourceMetrics => ({
  sender: { job: 'svc', instance, attributes: {} },
  metrics,
});

function countColumn(history: History, instance: string) {
  const samples = history.samples('svc', instance, 0, Infinity) ?? [];
  const columns = SERIES[METRICS.eventloopBlocks.name]!.columns(samples);
  assert.deepEqual(
    columns.map((c) => c.name),
    [COLUMN.count],
  );
  return columns[0]!.values;
}

test('the blocks counter is served as stalls per export: rows add up to the counter’s increase', () => {
  const history = new History();
  // The agent exports the counter at 0 from its start, then every interval.
  const cumulative = [0, 3, 3, 10, 12];
  cumulative.forEach((v, i) => {
    const t = T0 + (i + 1) * 1000;
    history.listener([send('a', [blocks(T0, t, v)])], t);
  });
  // An export without the counter is a gap, not a zero.
  history.listener([send('a', [heap(T0 + 6000)])], T0 + 6000);
  // Restarted (a new start time, a lower count): the new count is what it added.
  history.listener([send('a', [blocks(T0 + 6500, T0 + 7000, 2)])], T0 + 7000);
  const counts = countColumn(history, 'a');
  assert.deepEqual(counts, [0, 3, 0, 7, 2, null, 2]);
  assert.equal(
    counts.reduce<number>((a, v) => a + (v ?? 0), 0),
    12 + 2,
  );
});

test('delta temporality passes through; a long-running sender’s first point is not counted', () => {
  const history = new History();
  history.listener([send('d', [blocks(T0, T0 + 1000, 4, 'delta')])], T0 + 1000);
  history.listener([send('d', [blocks(T0 + 1000, T0 + 2000, 1, 'delta')])], T0 + 2000);
  assert.deepEqual(countColumn(history, 'd'), [4, 1]);

  // A process that started an hour before the collector heard of it: its 500 stalls are history.
  const old = T0 - 3_600_000;
  history.listener([send('old', [blocks(old, T0 + 1000, 500)])], T0 + 1000);
  history.listener([send('old', [blocks(old, T0 + 2000, 503)])], T0 + 2000);
  assert.deepEqual(countColumn(history, 'old'), [null, 3]);
});
