import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, pairedRatios, percent, quantile, ratioSummary, summarize } from '../src/stats.js';

test('quantile interpolates between order statistics of unsorted input', () => {
  const values = [40, 10, 30, 20];
  assert.equal(quantile(values, 0), 10);
  assert.equal(quantile(values, 1), 40);
  assert.equal(median(values), 25);
  assert.equal(quantile(values, 0.25), 17.5);
  assert.deepEqual(values, [40, 10, 30, 20], 'input left unsorted');
});

test('quantile refuses no values and out-of-range q', () => {
  assert.throws(() => quantile([], 0.5), /no values/);
  assert.throws(() => quantile([1], 1.5), /\[0, 1\]/);
});

test('summarize reports median, p99 and range', () => {
  const values = Array.from({ length: 101 }, (_, i) => i);
  assert.deepEqual(summarize(values), { n: 101, median: 50, p99: 99, min: 0, max: 100 });
});

test('paired ratios are b/a per pair and refuse unpaired runs', () => {
  assert.deepEqual(pairedRatios([100, 200], [90, 220]), [0.9, 1.1]);
  assert.throws(() => pairedRatios([1], [1, 2]), /unpaired/);
  const s = ratioSummary([0.9, 1.0, 1.1, 1.2, 1.3]);
  assert.equal(s.median, 1.1);
  assert.equal(s.min, 0.9);
  assert.equal(s.max, 1.3);
  assert.ok(s.p25 < s.median && s.median < s.p75);
});

test('percent shows the signed change of a ratio', () => {
  assert.equal(percent(0.97), '-3.0%');
  assert.equal(percent(1.005, 2), '+0.50%');
});
