import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityOf } from '../../src/analysis/capacity.js';
import type { ThresholdResult } from '../../src/k6/model.js';
import { makeRows } from '../helpers/rows.js';

const P95: ThresholdResult[] = [
  { metric: 'http_req_duration', expression: 'p(95)<100', passed: false, source: 'evaluated' },
];
const capacity = (rows: ReturnType<typeof makeRows>, vusMax?: number) =>
  capacityOf(rows, 1000, P95, 'http_req_duration', vusMax);

test('a ramp whose loop saturates: break point before the breach, the event loop gave out', () => {
  // 20 → 400 req/s; from 300/s the loop is busy and latency climbs.
  const rows = makeRows(20, (i) => {
    const rate = 20 + i * 20;
    const over = rate >= 300;
    return {
      requests: rate,
      p95: over ? 250 : 8,
      loop: over ? 120 : 2,
      elu: over ? 0.98 : rate / 400,
    };
  });
  const c = capacity(rows);
  assert.equal(c?.breakPointRps, 280);
  assert.equal(c?.exhausted, 'event-loop');
  assert.equal(c?.brokeAt, rows[14]?.t);
});

test('drops while the loop idles and VUs are to spare: the load generator gave out', () => {
  const rows = makeRows(20, (i) => {
    const rate = 100 + i * 60;
    return { requests: rate, dropped: rate > 1000 ? 40 : 0, p95: 4, loop: 2, elu: 0.3 };
  });
  const c = capacity(rows, 500);
  assert.equal(c?.exhausted, 'load-generator');
  assert.equal(c?.breakPointRps, 1000);
});

test('the pool queues while the loop is healthy: the thread pool gave out', () => {
  const rows = makeRows(12, (i) => ({
    requests: 10 + i * 10,
    p95: i >= 6 ? 300 : 20,
    pool: i >= 6 ? 250 : 3,
  }));
  assert.equal(capacity(rows)?.exhausted, 'thread-pool');
});

test('latency breaks with the loop and the pool healthy: outside the process; a flat run is no ramp', () => {
  const rows = makeRows(12, (i) => ({ requests: 10 + i * 10, p95: i >= 8 ? 400 : 20 }));
  assert.equal(capacity(rows)?.exhausted, 'outside-the-process');
  assert.equal(capacity(makeRows(12, () => ({ requests: 100 }))), null);
  const held = capacity(makeRows(12, (i) => ({ requests: 10 + i * 10 })));
  assert.equal(held?.breakPointRps, null);
  assert.equal(held?.exhausted, null);
});
