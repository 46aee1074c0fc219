import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, DELAY_BUCKETS_SECONDS, GC_BUCKETS_SECONDS } from '../src/names.js';

test('every metric name is declared once', () => {
  const names = Object.values(METRICS).map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
});

test('bucket boundaries are strictly ascending and span 0.5 ms .. 10 s', () => {
  for (const b of [DELAY_BUCKETS_SECONDS, GC_BUCKETS_SECONDS]) {
    for (let i = 1; i < b.length; i++) assert.ok(b[i]! > b[i - 1]!, `bucket ${i} ascends`);
  }
  assert.equal(DELAY_BUCKETS_SECONDS[0], 0.0005);
  assert.equal(DELAY_BUCKETS_SECONDS.at(-1), 10);
});
