import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, parseThreshold } from '../../src/k6/thresholds.js';

test('k6 threshold expressions from the fixtures and the docs parse', () => {
  assert.deepEqual(parseThreshold('p(95)<1000'), {
    method: 'p',
    percentile: 95,
    op: '<',
    bound: 1000,
  });
  assert.deepEqual(parseThreshold('med <= 2'), { method: 'med', op: '<=', bound: 2 });
  assert.deepEqual(parseThreshold('rate >= 0.8'), { method: 'rate', op: '>=', bound: 0.8 });
  assert.deepEqual(parseThreshold('p(99.9) < 1.5e3'), {
    method: 'p',
    percentile: 99.9,
    op: '<',
    bound: 1500,
  });
  assert.deepEqual(parseThreshold('count<=0'), { method: 'count', op: '<=', bound: 0 });
  assert.equal(parseThreshold('p95 < 1'), undefined);
  assert.equal(parseThreshold('rate<0.01 && 1'), undefined);
});

test('comparisons follow the operator', () => {
  assert.equal(compare(1, '<', 1), false);
  assert.equal(compare(1, '<=', 1), true);
  assert.equal(compare(2, '>', 1), true);
  assert.equal(compare(1, '>=', 2), false);
  assert.equal(compare(1, '===', 1), true);
  assert.equal(compare(1, '!=', 1), false);
});
