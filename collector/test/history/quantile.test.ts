import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeBuckets, quantile, upperBound } from '../../src/history/quantile.js';

const bounds = [0.01, 0.1, 1];

test('quantiles interpolate linearly inside the bucket, like histogram_quantile', () => {
  // 100 observations, all in (0.01, 0.1].
  const h = { bounds, counts: [0, 100, 0, 0] };
  assert.ok(Math.abs((quantile(0.5, h) ?? 0) - 0.055) < 1e-12);
  assert.ok(Math.abs((quantile(0.99, h) ?? 0) - 0.0991) < 1e-12);
  assert.equal(quantile(0.5, { bounds, counts: [0, 0, 0, 0] }), null);
});

test('one slow observation among many moves p99 only when it is more than 1%', () => {
  assert.ok((quantile(0.99, { bounds, counts: [199, 0, 1, 0] }) ?? 1) <= 0.01);
  assert.ok((quantile(0.99, { bounds, counts: [98, 0, 2, 0] }) ?? 0) > 0.1);
});

test('the +Inf bucket and the reported max and min bound the estimate', () => {
  assert.equal(quantile(0.99, { bounds, counts: [0, 0, 0, 5], max: 4.2 }), 4.2);
  assert.equal(quantile(0.99, { bounds, counts: [0, 0, 0, 5] }), 1);
  assert.equal(quantile(0.99, { bounds, counts: [0, 0, 10, 0], max: 0.3 }), 0.3);
  assert.equal(quantile(0.01, { bounds, counts: [0, 0, 10, 0], min: 0.5 }), 0.5);
});

test('upperBound names the highest non-empty bucket', () => {
  assert.equal(upperBound({ bounds, counts: [3, 0, 1, 0] }), 1);
  assert.equal(upperBound({ bounds, counts: [0, 0, 0, 0] }), null);
});

test('mergeBuckets adds matching histograms and skips others', () => {
  const merged = mergeBuckets([
    { bounds, counts: [1, 2, 3, 4], max: 2 },
    { bounds: [...bounds], counts: [1, 1, 1, 1], max: 5 },
    { bounds: [1, 2, 3], counts: [100, 100, 100, 100] },
  ]);
  assert.deepEqual(merged?.counts, [2, 3, 4, 5]);
  assert.equal(merged?.max, 5);
  assert.equal(mergeBuckets([]), null);
});
