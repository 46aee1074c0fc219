import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterIncrease, histogramIncrease, sameBounds } from '../src/temporality.js';

const h = (startTimeMs: number, bucketCounts: number[], bounds = [1, 2]) => ({
  startTimeMs,
  bounds,
  bucketCounts,
  count: bucketCounts.reduce((a, b) => a + b, 0),
  sum: bucketCounts.reduce((a, b) => a + b, 0) * 1.5,
});

test('a cumulative counter adds its difference, or all of itself after a reset', () => {
  assert.equal(counterIncrease(undefined, { startTimeMs: 1, value: 5 }), 5);
  assert.equal(counterIncrease({ startTimeMs: 1, value: 5 }, { startTimeMs: 1, value: 8 }), 3);
  assert.equal(counterIncrease({ startTimeMs: 1, value: 5 }, { startTimeMs: 1, value: 2 }), 2);
  assert.equal(counterIncrease({ startTimeMs: 1, value: 5 }, { startTimeMs: 9, value: 7 }), 7);
});

test('a cumulative histogram adds per bucket; a restart of any kind returns null', () => {
  assert.deepEqual(histogramIncrease(h(1, [1, 1, 0]), h(1, [2, 1, 1])), {
    bucketCounts: [1, 0, 1],
    count: 2,
    sum: 3,
  });
  assert.equal(histogramIncrease(undefined, h(1, [1, 0, 0])), null);
  assert.equal(histogramIncrease(h(1, [1, 0, 0]), h(2, [2, 0, 0])), null, 'new start time');
  assert.equal(histogramIncrease(h(1, [3, 0, 0]), h(1, [1, 0, 0])), null, 'count went down');
  assert.equal(histogramIncrease(h(1, [3, 0, 0]), h(1, [2, 2, 0])), null, 'a bucket went down');
  assert.equal(histogramIncrease(h(1, [1, 0, 0]), h(1, [2, 0, 0], [1, 3])), null, 'new bounds');
});

test('sameBounds compares values, not arrays', () => {
  assert.equal(sameBounds([1, 2], [1, 2]), true);
  assert.equal(sameBounds([1, 2], [1, 3]), false);
  assert.equal(sameBounds([1], [1, 2]), false);
});
