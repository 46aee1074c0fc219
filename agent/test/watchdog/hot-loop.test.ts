import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_MS, HotLoopDetector, MIN_EVENT_GAP_MS } from '../../src/watchdog/hot-loop.js';

/** Feeds `ms` of ticks of `gap` ms at `utilization`; returns the changes seen with their times. */
function feed(d: HotLoopDetector, from: number, ms: number, utilization: number, gap = 70) {
  const changes: [number, string][] = [];
  let now = from;
  while (now < from + ms) {
    now += gap;
    const change = d.tick(now, gap, gap * utilization);
    if (change) changes.push([now, change]);
  }
  return { now, changes };
}

test('busy in every half-second for the whole window: start, then end when it cools', () => {
  const d = new HotLoopDetector(0.9, 5);
  const busy = feed(d, 0, 8000, 0.98);
  assert.equal(busy.changes.length, 1);
  const [at, change] = busy.changes[0]!;
  assert.equal(change, 'start');
  assert.ok(at >= 5000 && at < 5000 + 2 * BUCKET_MS, `started at ${at}`);
  const run = d.runAt(busy.now);
  assert.ok(run.utilization > 0.97 && run.durationMs >= 7900, JSON.stringify(run));
  const cool = feed(d, busy.now, 1000, 0.1);
  assert.deepEqual(
    cool.changes.map((c) => c[1]),
    ['end'],
  );
  // The ended run's figures stay readable for the event.
  assert.ok(d.runAt(cool.now).utilization > 0.9);
});

test('70 ms every 500 ms, or one long stall then idle: never starts', () => {
  const spaced = new HotLoopDetector(0.9, 5);
  assert.deepEqual(feed(spaced, 0, 20_000, 0.14).changes, []);
  const stall = new HotLoopDetector(0.9, 5);
  stall.tick(4600, 4600, 4600);
  assert.deepEqual(feed(stall, 4600, 10_000, 0.01).changes, []);
});

test('after an event, no new start for a minute however busy the loop stays', () => {
  const d = new HotLoopDetector(0.9, 5);
  const first = feed(d, 0, 6000, 1);
  assert.equal(first.changes[0]?.[1], 'start');
  d.reported(first.now);
  const more = feed(d, first.now, MIN_EVENT_GAP_MS - 1000, 1);
  assert.deepEqual(more.changes, []);
  const later = feed(d, more.now, 3000, 1);
  assert.equal(later.changes[0]?.[1], 'start');
});

test('one dip (a loaded machine) inside a saturated run does not reset it', () => {
  const d = new HotLoopDetector(0.9, 5);
  const before = feed(d, 0, 3000, 0.99);
  const dip = feed(d, before.now, 500, 0.5);
  const after = feed(d, dip.now, 3000, 0.99);
  assert.deepEqual(
    [...before.changes, ...dip.changes, ...after.changes].map((c) => c[1]),
    ['start'],
  );
});
