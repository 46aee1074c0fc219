import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStore } from '../../src/prometheus/exposition.js';
import { sampleValue as sample } from '../helpers/collector.js';
import { counter, gauge, hist, histogram, num, rm, storeWith, T0 } from '../helpers/model.js';

test('rollup job: counters sum across instances and keep growing through restarts and expiry', () => {
  const store = storeWith({ rollup: 'job', expireAfterMs: 1000 });
  store.ingest(
    [rm('a', [counter('req', [num(10, T0 + 1)])]), rm('b', [counter('req', [num(5, T0 + 1)])])],
    100,
  );
  let out = renderStore(store, false, 100);
  assert.equal(sample(out, 'req_total{job="shop/api"}'), 15);
  assert.ok(!/^req_total\{[^}]*instance=/m.test(out), 'no per-instance series');
  store.ingest([rm('a', [counter('req', [num(12, T0 + 2)])])], 200);
  // b restarts: new start time, its counter starts again from 1.
  store.ingest([rm('b', [counter('req', [num(1, T0 + 3, T0 + 2)])])], 300);
  out = renderStore(store, false, 300);
  assert.equal(sample(out, 'req_total{job="shop/api"}'), 18, '15 + 2 + 1');
  // a goes silent and expires; the job total does not go down.
  store.ingest([rm('b', [counter('req', [num(4, T0 + 4, T0 + 2)])])], 1250);
  out = renderStore(store, false, 1250);
  assert.equal(store.senderCount, 1);
  assert.equal(sample(out, 'req_total{job="shop/api"}'), 21);
  // Liveness stays per instance.
  assert.ok(store.sender('shop/api', 'b'));
});

test('rollup job: histograms sum bucket by bucket; other bounds are a type_conflict', () => {
  const store = storeWith({ rollup: 'job' });
  store.ingest(
    [
      rm('a', [histogram('lat', [hist([1, 2, 0], T0 + 1)])]),
      rm('b', [histogram('lat', [hist([0, 1, 1], T0 + 1)])]),
    ],
    1,
  );
  store.ingest([rm('a', [histogram('lat', [hist([2, 2, 0], T0 + 2)])])], 2);
  const out = renderStore(store, false, 2);
  assert.equal(sample(out, 'lat_seconds_bucket{job="shop/api",le="0.1"}'), 2);
  assert.equal(sample(out, 'lat_seconds_bucket{job="shop/api",le="1"}'), 5);
  assert.equal(sample(out, 'lat_seconds_bucket{job="shop/api",le="+Inf"}'), 6);
  assert.equal(sample(out, 'lat_seconds_count{job="shop/api"}'), 6);
  const r = store.ingest([rm('c', [histogram('lat', [hist([1, 1, 1], T0 + 1, T0, [0.5, 2])])])], 3);
  assert.deepEqual(r.rejections.byReason, { type_conflict: 1 });
});

test('rollup job: gauges become min/max/sum/count per job', () => {
  const store = storeWith({ rollup: 'job' });
  store.ingest(
    [
      rm('a', [gauge('util', [num(0.2, T0 + 1)])]),
      rm('b', [gauge('util', [num(0.6, T0 + 1)])]),
      rm('c', [gauge('util', [num(0.4, T0 + 1)])], 'other'),
    ],
    1,
  );
  const out = renderStore(store, false, 1);
  assert.equal(sample(out, 'util_ratio{job="shop/api",agg="min"}'), 0.2);
  assert.equal(sample(out, 'util_ratio{job="shop/api",agg="max"}'), 0.6);
  assert.equal(sample(out, 'util_ratio{job="shop/api",agg="sum"}'), 0.8);
  assert.equal(sample(out, 'util_ratio{job="shop/api",agg="count"}'), 2);
  assert.equal(sample(out, 'util_ratio{job="other",agg="count"}'), 1);
});
