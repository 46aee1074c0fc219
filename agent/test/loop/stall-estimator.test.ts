import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_ITERATIONS_FOR_ACTIVE,
  StallEstimator,
  type LoopReading,
} from '../../src/loop/stall-estimator.js';
import { FINE_RESOLUTION_MS } from '../../src/loop/fine-delay.js';

const T = 100;

/** Feeds intervals (gap, active, iterations, self) and returns the samples. */
function run(
  intervals: readonly {
    gap: number;
    active: number;
    d?: number;
    self?: number;
    fine?: number;
  }[],
  withIterations = true,
): number[] {
  const est = new StallEstimator(T);
  let r: LoopReading = { now: 0, activeMs: 0, iterations: 0, selfMs: 0 };
  est.sample(r);
  const out: number[] = [];
  for (const i of intervals) {
    r = {
      now: r.now + i.gap,
      activeMs: r.activeMs + i.active,
      iterations: withIterations ? r.iterations! + (i.d ?? 1) : undefined,
      selfMs: r.selfMs + (i.self ?? 0),
      fineMaxMs: i.fine,
    };
    out.push(est.sample(r)!);
  }
  return out;
}

const idle = (n: number) => Array.from({ length: n }, () => ({ gap: 100.3, active: 0.12, d: 1 }));

test('the first reading gives no sample', () => {
  assert.equal(
    new StallEstimator(T).sample({ now: 5, activeMs: 1, iterations: 1, selfMs: 0 }),
    undefined,
  );
});

test('an idle loop samples its small active time, not the timer period', () => {
  const samples = run(idle(20));
  for (const s of samples) assert.ok(Math.abs(s - 0.12) < 1e-9, `sample ${s}`);
});

test('a stall that began early in the period is measured in full (lateness would say 0)', () => {
  // 50 ms block right after a tick: the timer is still on time (gap 100.3).
  const [s] = run([...idle(10), { gap: 100.3, active: 50.4, d: 2 }]).slice(-1);
  assert.ok(Math.abs(s! - (50.4 - 0.12)) < 1e-9, `sample ${s}`);
});

test('a long stall makes the timer late; the sample is the active time, not gap - period', () => {
  // 200 ms block starting 60 ms into the period: gap 260, lateness 160.
  const [s] = run([...idle(10), { gap: 260, active: 200.3, d: 2 }]).slice(-1);
  assert.ok(Math.abs(s! - (200.3 - 0.12)) < 1e-9, `sample ${s}`);
});

test("the agent's own export time is left out", () => {
  const [s] = run([...idle(10), { gap: 100.3, active: 4.2, d: 4, self: 3.6 }]).slice(-1);
  assert.ok(s! < 0.6 && s! >= 0, `sample ${s}`);
});

test('with many iterations the sample falls back to lateness', () => {
  // A busy loop: 40 iterations of ~1 ms, timer 0.4 ms late.
  const busy = Array.from({ length: 20 }, () => ({ gap: 100.4, active: 40, d: 40 }));
  for (const s of run(busy)) assert.ok(Math.abs(s - 0.4) < 1e-9, `sample ${s}`);
  assert.ok(40 > MAX_ITERATIONS_FOR_ACTIVE);
});

test('with many iterations and the fine clock, a stall is the fine clock’s lateness, not the tick’s', () => {
  // 150 ms block 80 ms into a busy period (110 req/s): the tick's lateness says 130, the fine
  // clock's longest gap is 156 (the block began 6 ms after one of its fires).
  const busy = Array.from({ length: 5 }, () => ({ gap: 100.4, active: 40, d: 40, fine: 10.3 }));
  const samples = run([...busy, { gap: 230, active: 175, d: 30, fine: 156 }]);
  assert.equal(samples.at(-1), 156 - FINE_RESOLUTION_MS);
  // Between stalls its regular gaps (10.3 ms) read no more than the tick's lateness.
  for (const s of samples.slice(0, -1)) assert.ok(Math.abs(s - 0.4) < 1e-9, `sample ${s}`);
  // Clamped to the active time and to the lateness (the floor).
  assert.equal(run([{ gap: 230, active: 120, d: 30, fine: 156 }])[0], 120);
  assert.equal(run([{ gap: 230, active: 175, d: 30, fine: 100 }])[0], 130);
});

test('the sample never exceeds the active time, even when the timer fired late while idle', () => {
  const [s] = run([...idle(5), { gap: 101.5, active: 0.2, d: 1 }]).slice(-1);
  assert.ok(Math.abs(s! - 0.2) < 1e-9, `sample ${s}`);
});

test('without uvMetricsInfo the sample is lateness (resolution subtracted, clamped at 0)', () => {
  assert.deepEqual(
    run(
      [
        { gap: 100.3, active: 50 },
        { gap: 98, active: 0.1 },
        { gap: 150, active: 50 },
      ],
      false,
    ).map((s) => Math.round(s * 10) / 10),
    [0.3, 0, 50],
  );
});

test('other iterations are subtracted at their typical (median) cost, robust to past stalls', () => {
  const history = [...idle(12), { gap: 100.3, active: 50.4, d: 2 }, ...idle(2)];
  const [s] = run([...history, { gap: 100.3, active: 30.5, d: 5 }]).slice(-1);
  // Typical iteration ~0.12 ms: four others take ~0.48 ms.
  assert.ok(Math.abs(s! - (30.5 - 4 * 0.12)) < 1e-9, `sample ${s}`);
});
