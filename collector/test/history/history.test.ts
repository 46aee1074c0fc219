import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '@loopscope/agent/names';
import { History } from '../../src/history/history.js';
import { SERIES } from '../../src/history/chart-series.js';
import { FakeSender, times } from '../helpers/fake-sender.js';

const T0 = 1_700_000_000_000;

test('loop delay p50/p99/max come from each interval, not from the cumulative histogram', () => {
  const history = new History();
  const a = new FakeSender('shop/api', 'a', T0);
  history.listener([a.export(T0 + 1000, times(100, 0.001))], T0 + 1000);
  history.listener([a.export(T0 + 2000, [...times(90, 0.001), ...times(10, 0.18)])], T0 + 2000);
  history.listener([a.export(T0 + 3000, times(100, 0.001))], T0 + 3000);

  const samples = history.samples('shop/api', 'a', 0, Infinity) ?? [];
  assert.equal(samples.length, 3);
  const [quiet, stalled, recovered] = samples.map((s) => s.loopDelay);
  assert.ok((quiet?.p99 ?? 1) <= 0.001);
  assert.equal(quiet?.max, 0.001);
  assert.ok((stalled?.p99 ?? 0) > 0.15 && (stalled?.p99 ?? 0) <= 0.18, `p99 ${stalled?.p99}`);
  assert.equal(stalled?.max, 0.18, 'a cumulative max that rose is exact');
  assert.ok((stalled?.p50 ?? 1) <= 0.001);
  // The stall is history: the cumulative histogram still has it, the interval does not.
  assert.ok((recovered?.p99 ?? 1) <= 0.001);
  assert.ok((recovered?.max ?? 1) <= 0.001, `max ${recovered?.max}`);
});

test('a restarted sender starts over instead of producing negative counts', () => {
  const history = new History();
  const first = new FakeSender('shop/api', 'a', T0);
  history.listener([first.export(T0 + 1000, times(50, 0.2))], T0 + 1000);
  const second = new FakeSender('shop/api', 'a', T0 + 1500);
  history.listener([second.export(T0 + 2000, times(5, 0.002))], T0 + 2000);
  const last = history.samples('shop/api', 'a', 0, Infinity)?.at(-1);
  assert.equal(last?.loopDelay?.count, 5);
  assert.ok((last?.loopDelay?.p99 ?? 1) <= 0.002);
});

test('cumulative data from long before the first export is not shown as one interval', () => {
  const history = new History();
  const old = new FakeSender('shop/api', 'a', T0 - 3_600_000);
  history.listener([old.export(T0, times(100, 0.5))], T0);
  assert.equal(history.samples('shop/api', 'a', 0, Infinity)?.[0]?.loopDelay, null);
});

test('history is bounded by the window and by points per instance', () => {
  const history = new History({ windowMs: 10_000, maxPointsPerInstance: 5 });
  const a = new FakeSender('shop/api', 'a', T0);
  for (let i = 1; i <= 8; i++) history.listener([a.export(T0 + i * 1000, [0.001])], T0 + i * 1000);
  assert.deepEqual(
    history.samples('shop/api', 'a', 0, Infinity)?.map((s) => s.t - T0),
    [4000, 5000, 6000, 7000, 8000],
  );
  const b = new FakeSender('shop/api', 'b', T0);
  history.listener([b.export(T0 + 1000, [0.001])], T0 + 1000);
  history.listener([b.export(T0 + 30_000, [0.001])], T0 + 30_000);
  assert.deepEqual(
    history.samples('shop/api', 'b', 0, Infinity)?.map((s) => s.t - T0),
    [30_000],
  );
  // Silent for the whole window: forgotten.
  assert.equal(history.samples('shop/api', 'a', 0, Infinity), undefined);
});

test('when full, a newcomer takes the place of the longest-silent instance once it is stale', () => {
  const history = new History({ maxInstances: 2 });
  const a = new FakeSender('svc', 'a', T0);
  const b = new FakeSender('svc', 'b', T0);
  const c = new FakeSender('svc', 'c', T0);
  // a and b export every second; a stops after 2 s.
  for (let t = T0 + 1000; t <= T0 + 2000; t += 1000) {
    history.listener([a.export(t, [0.001])], t);
    history.listener([b.export(t, [0.001])], t);
  }
  history.listener([b.export(T0 + 3000, [0.001])], T0 + 3000);
  // a missed one export: still live, so c waits and is counted.
  history.listener([c.export(T0 + 3500, [0.001])], T0 + 3500);
  const tracked = (t: number) =>
    history
      .services(t)
      .flatMap((s) => s.instances.map((x) => x.instance))
      .sort();
  assert.deepEqual(tracked(T0 + 3500), ['a', 'b']);
  assert.equal(history.untrackedCount(T0 + 3500), 1);
  // a is stale after three missed intervals: c's next export takes its place.
  history.listener([c.export(T0 + 5500, [0.001])], T0 + 5500);
  assert.deepEqual(tracked(T0 + 5500), ['b', 'c']);
  assert.equal(history.untrackedCount(T0 + 5500), 0);
});

test('more live instances than room: the tracked ones keep their history, newcomers are counted', () => {
  const history = new History({ maxInstances: 3 });
  const senders = ['a', 'b', 'c', 'd', 'e'].map((n) => new FakeSender('svc', n, T0));
  for (let i = 1; i <= 10; i++) {
    const t = T0 + i * 1000;
    for (const s of senders) history.listener([s.export(t, [0.001])], t);
  }
  const now = T0 + 10_000;
  const instances = history.services(now).flatMap((s) => s.instances);
  assert.deepEqual(instances.map((i) => i.instance).sort(), ['a', 'b', 'c']);
  for (const i of instances) assert.equal(i.points, 10, `${i.instance} kept every sample`);
  assert.equal(history.untrackedCount(now), 2);
  // Untracked instances silent for the whole window are forgotten too.
  assert.equal(history.untrackedCount(now + history.options.windowMs + 1000), 0);
});

test('services and instances are ranked worst loop-delay p99 first, with liveness', () => {
  const history = new History({ rankWindowMs: 5_000 });
  const senders = [
    new FakeSender('shop/api', 'calm', T0),
    new FakeSender('shop/api', 'stalling', T0),
    new FakeSender('shop/worker', 'w1', T0),
    new FakeSender('shop/api', 'gone', T0),
  ];
  for (let i = 1; i <= 10; i++) {
    const t = T0 + i * 1000;
    const batch = [
      senders[0]!.export(t, times(100, 0.001), { utilization: 0.1 }),
      senders[1]!.export(t, [...times(95, 0.001), ...times(5, 0.25)], { utilization: 0.9 }),
      senders[2]!.export(t, times(100, 0.02), { resources: { Timeout: 3, TCPSocketWrap: 4 } }),
    ];
    if (i <= 3) batch.push(senders[3]!.export(t, times(100, 0.5)));
    history.listener(batch, t);
  }
  const services = history.services(T0 + 10_500);
  assert.deepEqual(
    services.map((s) => [s.job, s.instances.map((i) => i.instance)]),
    [
      ['shop/api', ['stalling', 'calm', 'gone']],
      ['shop/worker', ['w1']],
    ],
  );
  const [stalling, calm, gone] = services[0]!.instances;
  assert.ok((stalling!.loopDelayP99 ?? 0) > 0.2);
  assert.equal(stalling!.loopDelayMax, 0.25);
  assert.equal(stalling!.utilization, 0.9);
  assert.equal(stalling!.state, 'live');
  assert.equal(stalling!.intervalMs, 1000);
  assert.ok((calm!.loopDelayP99 ?? 1) <= 0.001);
  // Its stalls were 7 s ago, out of the rank window; and it stopped exporting.
  assert.equal(gone!.loopDelayP99, null);
  assert.equal(gone!.state, 'stale');
  assert.equal(services[1]!.instances[0]!.activeResources, 7);
  // The service's p99 merges histograms: 5% of one instance's samples of three live is > 1%.
  assert.ok((services[0]!.loopDelayP99 ?? 0) > 0.2);
});

test('series columns follow the metric names and fill types a sample lacks with 0', () => {
  const history = new History();
  const a = new FakeSender('svc', 'a', T0);
  history.listener([a.export(T0 + 1000, [0.001], { resources: { Timeout: 2 } })], T0 + 1000);
  history.listener(
    [a.export(T0 + 2000, [0.001], { resources: { Timeout: 1, TCPSocketWrap: 40 } })],
    T0 + 2000,
  );
  history.listener([a.export(T0 + 3000, [0.001])], T0 + 3000);
  const samples = history.samples('svc', 'a', 0, Infinity) ?? [];
  const columns = SERIES[METRICS.resourceActive.name]!.columns(samples);
  assert.deepEqual(columns, [
    { name: 'TCPSocketWrap', values: [0, 40, null] },
    { name: 'Timeout', values: [2, 1, null] },
  ]);
  const delay = SERIES[METRICS.eventloopDelay.name]!.columns(samples);
  assert.deepEqual(
    delay.map((c) => c.name),
    ['p50', 'p99', 'max'],
  );
});
