import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timeline } from '../../src/stats/timeline.js';

test('buckets double in width past the limit and merge without losing anything', () => {
  const tl = new Timeline(
    () => ({ n: 0 }),
    (a, b) => (a.n += b.n),
    10,
  );
  const start = 1_700_000_000_000;
  for (let s = 0; s < 35; s++) for (let i = 0; i < 3; i++) tl.at(start + s * 1000 + i * 100).n++;
  assert.equal(tl.widthMs, 4000);
  assert.ok(tl.size <= 10);
  const entries = tl.entries();
  assert.equal(
    entries.reduce((s, [, b]) => s + b.n, 0),
    105,
  );
  assert.ok(entries.every(([t], i) => i === 0 || t - (entries[i - 1]?.[0] ?? 0) === 4000));
});

test('gaps are filled with empty buckets: a stalled second completes nothing and must still show', () => {
  const tl = new Timeline(
    () => ({ n: 0 }),
    (a, b) => (a.n += b.n),
  );
  tl.at(10_000).n++;
  tl.at(13_500).n++;
  assert.deepEqual(
    tl.entries().map(([t, b]) => [t, b.n]),
    [
      [10_000, 1],
      [11_000, 0],
      [12_000, 0],
      [13_000, 1],
    ],
  );
});
