import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleWindow } from '../../src/samplers/sample-window.js';

test('statistics of a window, nearest-rank percentiles', () => {
  const w = new SampleWindow();
  assert.equal(w.stats(), undefined);
  for (let i = 1; i <= 100; i++) w.record(i);
  const s = w.stats()!;
  assert.deepEqual(
    [s.count, s.min, s.max, s.mean, s.p50, s.p90, s.p99],
    [100, 1, 100, 50.5, 50, 90, 99],
  );
  assert.ok(Math.abs(s.stddev - 28.866) < 0.001);
  w.reset();
  assert.equal(w.stats(), undefined);
  w.record(0.25);
  assert.deepEqual(
    { ...w.stats()! },
    { count: 1, min: 0.25, max: 0.25, mean: 0.25, stddev: 0, p50: 0.25, p90: 0.25, p99: 0.25 },
  );
});

test('bounded: past capacity the percentiles cover the latest samples, the rest stays exact', () => {
  const w = new SampleWindow(10);
  for (let i = 1; i <= 25; i++) w.record(i);
  const s = w.stats()!;
  assert.equal(s.count, 25);
  assert.equal(s.min, 1);
  assert.equal(s.max, 25);
  assert.equal(s.mean, 13);
  assert.equal(s.p50, 20); // the latest 10 samples are 16..25
});
