import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { DELAY_BUCKETS_SECONDS, METRICS } from '../../src/names.js';
import { FINE_RESOLUTION_MS } from '../../src/loop/fine-delay.js';
import { find, histogram, memoryMetrics, value } from '../helpers/memory.js';

function block(ms: number): number {
  const start = performance.now();
  while (performance.now() - start < ms);
  return performance.now() - start;
}

// Margins for a loaded machine (the tight figures are goals of `npm run bench -- accuracy`).
test('an idle loop reads under 3 ms; one 50 ms block is read from 5 ms under to 10 ms over, in the histogram too', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  await sleep(1000);
  const idle = await mem.collect();
  assert.ok(value(find(idle, METRICS.eventloopDelayP50.name)) < 0.003, 'idle p50 < 3 ms');
  const idleHist = histogram(find(idle, METRICS.eventloopDelay.name));
  assert.ok(idleHist.count >= 5, `${idleHist.count} idle samples`);

  // Three trials, each its own collection window; wherever the block falls in the timer's
  // period, the estimate should not depend on it. The test runner shares this process,
  // and a neighbour can only add delay (CI runs have had two trials in a row 2-3 ms
  // high, the first one most often), so the best trial decides the tighter bound.
  const errors: number[] = [];
  let before = idleHist;
  for (let trial = 0; trial < 3; trial++) {
    await sleep(150 + 37 * trial);
    const took = await new Promise<number>((resolve) => setTimeout(() => resolve(block(50)), 5));
    await sleep(250);
    const after = await mem.collect();
    const max = value(find(after, METRICS.eventloopDelayMax.name)) * 1000;
    t.diagnostic(`block ${took.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
    errors.push(max - took);
    const hist = histogram(find(after, METRICS.eventloopDelay.name));
    // The bucket of the reading, not of `took`: 50 ms is a bucket bound, and a reading a
    // fraction of a millisecond under the block (the other iterations' typical cost is
    // taken out) is right and lands one bucket lower (seen: 50.05 ms read 49.87 ms).
    const bucket = DELAY_BUCKETS_SECONDS.findIndex((b) => max / 1000 <= b);
    assert.equal(
      hist.buckets.counts[bucket]! - before.buckets.counts[bucket]!,
      1,
      'one sample in the bucket of the window’s max: the histogram holds the block',
    );
    before = hist;
  }
  const all = `off by ${errors.map((e) => e.toFixed(2)).join(', ')} ms`;
  for (const e of errors) assert.ok(e >= -5 && e <= 50, all);
  assert.ok(Math.min(...errors.map(Math.abs)) <= 10, all);
});

test('the gauges cover one collection each: the next window forgets the block', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  await sleep(300);
  const took = block(30);
  await sleep(250);
  // When the interval ran many loop iterations (a runner's or a GC's tasks beside the
  // block), the sample is the fine clock's lateness, short by up to its period (stall-estimator.ts).
  const max = value(find(await mem.collect(), METRICS.eventloopDelayMax.name)) * 1000;
  assert.ok(
    max >= took - FINE_RESOLUTION_MS - 1,
    `a ${took.toFixed(2)} ms block read as a max of ${max.toFixed(2)} ms`,
  );
  // Three later windows: a neighbour can put a delay of its own into one of them (one
  // read over 25 ms on Node 26 at load average 15); a max that never resets is in all.
  const later: number[] = [];
  for (let i = 0; i < 3; i++) {
    await sleep(400);
    later.push(value(find(await mem.collect(), METRICS.eventloopDelayMax.name)));
  }
  assert.ok(Math.min(...later) < 0.01, `later windows' max ${later.join(', ')} s`);
});
