import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceMetrics } from '../../src/otlp/model.js';
import {
  counter,
  gauge,
  hist,
  histogram,
  num,
  rm,
  storeWith,
  T0,
  valueOf,
} from '../helpers/model.js';

const C = 'requests_total';

test('cumulative points replace; an older point is dropped as out_of_order', () => {
  const store = storeWith();
  store.ingest([rm('a', [counter('requests', [num(5, T0 + 10)])])], 1);
  store.ingest([rm('a', [counter('requests', [num(9, T0 + 20)])])], 2);
  assert.equal(valueOf(store, 'a', C), 9);
  const late = store.ingest([rm('a', [counter('requests', [num(7, T0 + 15)])])], 3);
  assert.equal(late.accepted, 0);
  assert.deepEqual(late.rejections.byReason, { out_of_order: 1 });
  assert.match(late.rejections.summary(), /"requests": 1 point\(s\) older than/);
  assert.equal(valueOf(store, 'a', C), 9);
  // Re-sending the same point (an exporter retry) changes nothing.
  const again = store.ingest([rm('a', [counter('requests', [num(9, T0 + 20)])])], 4);
  assert.equal(again.accepted, 1);
  assert.equal(valueOf(store, 'a', C), 9);
});

test('a new start time is a reset: the value is replaced even when lower', () => {
  const store = storeWith();
  store.ingest([rm('a', [counter('requests', [num(100, T0 + 10)])])], 1);
  store.ingest([rm('a', [counter('requests', [num(3, T0 + 30, T0 + 25)])])], 2);
  assert.equal(valueOf(store, 'a', C), 3);
  const s = [...store.allSeries()][0]!;
  assert.equal(s.startTimeMs, T0 + 25);
});

test('delta points accumulate into a cumulative value; overlapping deltas are duplicates', () => {
  const store = storeWith();
  store.ingest([rm('a', [counter('requests', [num(2, T0 + 10, T0)], 'delta')])], 1);
  store.ingest([rm('a', [counter('requests', [num(3, T0 + 20, T0 + 10)], 'delta')])], 2);
  store.ingest([rm('a', [counter('requests', [num(4, T0 + 30, T0 + 20)], 'delta')])], 3);
  assert.equal(valueOf(store, 'a', C), 9);
  // The same delta again (a retried export) must not count twice.
  const dup = store.ingest(
    [rm('a', [counter('requests', [num(4, T0 + 30, T0 + 20)], 'delta')])],
    4,
  );
  assert.deepEqual(dup.rejections.byReason, { out_of_order: 1 });
  const overlap = store.ingest(
    [rm('a', [counter('requests', [num(1, T0 + 35, T0 + 25)], 'delta')])],
    5,
  );
  assert.deepEqual(overlap.rejections.byReason, { out_of_order: 1 });
  assert.equal(valueOf(store, 'a', C), 9);
  const s = [...store.allSeries()][0]!;
  assert.equal(s.startTimeMs, T0, 'the cumulative value counts from the first delta');
});

test('delta histograms add bucket by bucket', () => {
  const store = storeWith();
  store.ingest([rm('a', [histogram('lat', [hist([1, 0, 2], T0 + 10, T0)], 'delta')])], 1);
  store.ingest([rm('a', [histogram('lat', [hist([0, 5, 1], T0 + 20, T0 + 10)], 'delta')])], 2);
  const s = [...store.allSeries()][0]!;
  assert.deepEqual(s.histogram?.bucketCounts, [1, 5, 3]);
  assert.equal(s.histogram?.count, 9);
  assert.equal(s.histogram?.sum, 4.5);
});

test('gauges keep the newest value; series are per sender and attributes', () => {
  const store = storeWith();
  store.ingest(
    [
      rm('a', [
        gauge('util', [num(0.5, T0 + 10, 0, { core: 1 }), num(0.7, T0 + 10, 0, { core: 2 })]),
      ]),
      rm('b', [gauge('util', [num(0.1, T0 + 10, 0, { core: 1 })])]),
    ],
    1,
  );
  store.ingest([rm('a', [gauge('util', [num(0.9, T0 + 20, 0, { core: 1 })])])], 2);
  assert.equal(valueOf(store, 'a', 'util_ratio', 'core=1'), 0.9);
  assert.equal(valueOf(store, 'a', 'util_ratio', 'core=2'), 0.7);
  assert.equal(valueOf(store, 'b', 'util_ratio', 'core=1'), 0.1);
  assert.equal(store.seriesCount, 3);
  assert.equal(store.senderCount, 2);
});

test('metrics that would clash under one Prometheus name are a type_conflict', () => {
  const store = storeWith();
  const conflict = (m: Parameters<typeof rm>[1][number]) => {
    const r = store.ingest([rm('b', [m])], 2);
    assert.equal(r.accepted, 0, m.name);
    assert.deepEqual(r.rejections.byReason, { type_conflict: m.points.length });
    return r.rejections.summary();
  };
  assert.equal(store.ingest([rm('a', [gauge('x', [num(1, T0 + 10)], 's')])], 1).accepted, 1);
  assert.match(
    conflict(histogram('x', [hist([1, 0, 0], T0 + 10)])),
    /x_seconds is already a gauge, this metric would make it a histogram/,
  );
  store.ingest([rm('a', [histogram('lat', [hist([1, 0, 0], T0 + 10)])])], 1);
  assert.match(
    conflict(gauge('lat_seconds_count', [num(1, T0 + 10)], '')),
    /clashes with histogram lat_seconds/,
  );
  store.ingest([rm('a', [gauge('jobs', [num(1, T0 + 10)], '')])], 1);
  // The counter's OpenMetrics family name would be `jobs` too.
  assert.match(
    conflict(counter('jobs', [num(1, T0 + 10)], 'cumulative', '')),
    /jobs_total \(counter\) clashes with gauge jobs/,
  );
  assert.match(
    conflict(gauge('loopscope.collector.series', [num(1, T0 + 10)], '')),
    /collector's own metrics/,
  );
  assert.match(conflict(gauge('target.info', [num(1, T0 + 10)], '')), /collector's own metrics/);
});

test('--max-series and the per-metric cardinality cap drop new series, not existing ones', () => {
  const store = storeWith({ maxSeries: 5, maxCardinality: 3 });
  const points = Array.from({ length: 10 }, (_, i) => num(1, T0 + 10, 0, { user: i }));
  const r = store.ingest([rm('a', [gauge('g', points, '')])], 1);
  assert.equal(r.accepted, 3);
  assert.deepEqual(r.rejections.byReason, { cardinality: 7 });
  const r2 = store.ingest([rm('a', [gauge('h', points.slice(0, 3), '')])], 2);
  assert.equal(r2.accepted, 2, 'max-series 5 reached');
  assert.equal(store.seriesCount, 5);
  // Existing series still update.
  const r3 = store.ingest([rm('a', [gauge('g', [num(42, T0 + 20, 0, { user: 0 })], '')])], 3);
  assert.equal(r3.accepted, 1);
  assert.equal(valueOf(store, 'a', 'g', 'user=0'), 42);
  // A sender whose every point is dropped does not appear.
  const r4 = store.ingest([rm('z', [gauge('g', [num(1, T0 + 10)], '')])], 4);
  assert.equal(r4.accepted, 0);
  assert.equal(store.sender('shop/api', 'z'), undefined);
});

test('expiry: silent senders and stale series go, and are counted', () => {
  const store = storeWith({ expireAfterMs: 1000 });
  store.ingest(
    [rm('a', [gauge('g', [num(1, T0 + 1, 0, { k: 1 }), num(1, T0 + 1, 0, { k: 2 })], '')])],
    10_000,
  );
  store.ingest([rm('b', [gauge('g', [num(1, T0 + 1)], '')])], 10_000);
  // a keeps exporting, but only k=1
  store.ingest([rm('a', [gauge('g', [num(2, T0 + 2, 0, { k: 1 })], '')])], 10_800);
  assert.equal(store.expire(10_900), 0);
  assert.equal(store.expire(11_500), 2, "b's series and a's k=2");
  assert.equal(store.senderCount, 1);
  assert.equal(store.expiredSeriesTotal, 2);
  assert.equal(valueOf(store, 'a', 'g', 'k=1'), 2);
  assert.equal(store.expire(11_900), 1);
  assert.equal(store.senderCount, 0);
  assert.equal(store.families.size, 0, 'empty families are forgotten');
});

test('listeners receive exactly the accepted points', () => {
  const store = storeWith({ maxCardinality: 1 });
  const seen: ResourceMetrics[][] = [];
  const off = store.subscribe((batch) => seen.push([...batch]));
  store.ingest(
    [rm('a', [gauge('g', [num(1, T0 + 1, 0, { k: 1 }), num(1, T0 + 1, 0, { k: 2 })], '')])],
    1,
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]![0]!.metrics[0]!.points.length, 1);
  store.ingest([rm('a', [gauge('g', [num(1, T0 + 0.5, 0, { k: 1 })], '')])], 2);
  assert.equal(seen.length, 1, 'nothing accepted, no call');
  const full = [rm('a', [gauge('g', [num(3, T0 + 9, 0, { k: 1 })], '')])];
  store.ingest(full, 3);
  assert.equal(seen[1]![0], full[0], 'an export accepted whole is passed as is');
  off();
  store.ingest([rm('a', [gauge('g', [num(4, T0 + 10, 0, { k: 1 })], '')])], 4);
  assert.equal(seen.length, 2);
});

test('a throwing listener does not fail the export', () => {
  const store = storeWith();
  const errors: unknown[] = [];
  store.onListenerError = (e) => errors.push(e);
  store.subscribe(() => {
    throw new Error('boom');
  });
  const r = store.ingest([rm('a', [gauge('g', [num(1, T0)], '')])], 1);
  assert.equal(r.accepted, 1);
  assert.equal(errors.length, 1);
});
