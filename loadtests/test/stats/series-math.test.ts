import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pearson, quantileOf } from '../../src/stats/series-math.js';

test('quantiles interpolate like k6; pearson is 1, -1, or null without variance or pairs', () => {
  assert.equal(quantileOf([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileOf([5], 0.99), 5);
  assert.equal(quantileOf([], 0.5), undefined);
  assert.ok(Math.abs((pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]) ?? 0) - 1) < 1e-12);
  assert.ok(Math.abs((pearson([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) ?? 0) + 1) < 1e-12);
  assert.equal(pearson([1, 1, 1, 1, 1], [1, 2, 3, 4, 5]), null);
  assert.equal(pearson([1, 2], [1, 2]), null);
});
