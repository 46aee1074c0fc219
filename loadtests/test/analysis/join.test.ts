import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resample } from '../../src/analysis/join.js';

const starts = [0, 1000, 2000, 3000, 4000, 5000].map((t) => 1_000_000 + t);

test('a point describes the interval ending at its time; the worst of several wins', () => {
  const out = resample(
    [
      { t: 1_001_000, v: 5 },
      { t: 1_002_000, v: 7 },
      { t: 1_002_000, v: 9 },
    ],
    starts,
    1000,
  );
  assert.deepEqual(out.slice(0, 2), [5, 9]);
});

test('gaps carry the last value for 1.5 point spacings, then stay empty', () => {
  // Exports every 2 s: the bucket between two exports keeps the last one.
  const out = resample(
    [
      { t: 999_000, v: 1 },
      { t: 1_001_000, v: 2 },
      { t: 1_003_000, v: 3 },
    ],
    starts,
    1000,
  );
  assert.deepEqual(out, [2, 2, 3, 3, 3, null]);
});

test('no points, no values', () => {
  assert.deepEqual(
    resample([], starts, 1000),
    starts.map(() => null),
  );
});
