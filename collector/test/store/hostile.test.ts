// Senders that try to take the store from the others: one filling it with
// series, one freezing its series with a far-future timestamp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '@loopscope/agent/names';
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

const distinct = (n: number, t: number) =>
  Array.from({ length: n }, (_, i) => num(1, t, 0, { user: `u${i}` }));

test('one sender reaching --max-series-per-sender leaves room for the others', () => {
  const store = storeWith({ maxSeries: 20, maxSeriesPerSender: 10, maxCardinality: 1000 });
  const greedy = store.ingest([rm('greedy', [gauge('users', distinct(50, T0))])], T0);
  assert.equal(greedy.accepted, 10);
  assert.deepEqual(greedy.rejections.byReason, { cardinality: 40 });
  assert.match(
    greedy.rejections.summary(),
    /this sender already has 10 series \(--max-series-per-sender\)/,
  );
  const polite = store.ingest([rm('polite', [gauge('users', distinct(10, T0))])], T0);
  assert.equal(polite.accepted, 10, polite.rejections.summary());
  assert.equal(store.seriesCount, 20);
  // The global cap still holds once every sender is within its own.
  const third = store.ingest([rm('third', [gauge('users', distinct(1, T0))])], T0);
  assert.deepEqual(third.rejections.byReason, { cardinality: 1 });
});

test('a point beyond --max-future-skew is rejected as malformed and does not freeze its series', () => {
  const store = storeWith({ maxFutureSkewMs: 5 * 60_000 });
  const now = T0;
  const future = store.ingest([rm('a', [gauge('temp', [num(100, now + 3_600_000, 0)])])], now);
  assert.equal(future.accepted, 0);
  assert.deepEqual(future.rejections.byReason, { malformed: 1 });
  assert.match(
    future.rejections.summary(),
    /metric "temp": 1 point\(s\) stamped more than 300 s ahead of the collector's clock \(--max-future-skew\)/,
  );
  // Within the skew is fine (clocks differ a little).
  const real = store.ingest([rm('a', [gauge('temp', [num(5, now + 60_000, 0)])])], now);
  assert.equal(real.accepted, 1, real.rejections.summary());
  const later = store.ingest([rm('a', [gauge('temp', [num(6, now + 70_000, 0)])])], now + 10_000);
  assert.equal(later.accepted, 1, later.rejections.summary());
  assert.equal(valueOf(store, 'a', 'temp_ratio'), 6);
});

test('two metric names of one sender that sanitise to one family: the second is rejected, not merged', () => {
  const store = storeWith();
  const first = store.ingest([rm('a', [counter('x.y', [num(100, T0 + 1)])])], T0);
  assert.equal(first.accepted, 1);
  const second = store.ingest([rm('a', [counter('x_y', [num(5, T0 + 2)])])], T0);
  assert.equal(second.accepted, 0);
  assert.deepEqual(second.rejections.byReason, { type_conflict: 1 });
  assert.match(
    second.rejections.summary(),
    /metric "x_y": its Prometheus name x_y_total is already used by metric "x\.y" of this sender; rename one of them/,
  );
  assert.equal(valueOf(store, 'a', 'x_y_total'), 100, 'the first one keeps its value');
  // Another sender may use either spelling: its series are its own.
  const other = store.ingest([rm('b', [counter('x_y', [num(5, T0 + 2)])])], T0);
  assert.equal(other.accepted, 1, other.rejections.summary());
});

test('an agent metric name sent first with another kind is rejected for that sender; agents keep the family', () => {
  const store = storeWith();
  const delay = METRICS.eventloopDelay;
  const squatter = store.ingest(
    [rm('squatter', [gauge(delay.name, [num(1, T0 + 1, 0)], delay.unit)])],
    T0,
  );
  assert.equal(squatter.accepted, 0);
  assert.deepEqual(squatter.rejections.byReason, { type_conflict: 1 });
  assert.match(squatter.rejections.summary(), /reserved for the loopscope agent's histogram/);
  const agent = store.ingest(
    [rm('agent', [histogram(delay.name, [hist([1, 2, 3], T0 + 1, T0, [0.01, 0.1])])])],
    T0,
  );
  assert.equal(agent.accepted, 1, agent.rejections.summary());
  // Another OTLP name that sanitises into the agent's family is refused too.
  const lookalike = store.ingest(
    [
      rm('squatter', [
        histogram('nodejs_eventloop_delay', [hist([1, 0, 0], T0 + 1, T0, [0.01, 0.1])]),
      ]),
    ],
    T0,
  );
  assert.deepEqual(lookalike.rejections.byReason, { type_conflict: 1 });
});
