import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { DELAY_BUCKETS_SECONDS, METRICS } from '../../src/names.js';
import { find, histogram, memoryMetrics, value } from '../helpers/memory.js';

function block(ms: number): number {
  const start = performance.now();
  while (performance.now() - start < ms);
  return performance.now() - start;
}

test('an idle loop reads well under 1 ms; one 50 ms block is measured within 2 ms and lands in its bucket', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  await sleep(1000);
  const idle = await mem.collect();
  assert.ok(value(find(idle, METRICS.eventloopDelayP50.name)) < 0.001, 'idle p50 < 1 ms');
  const idleHist = histogram(find(idle, METRICS.eventloopDelay.name));
  assert.ok(idleHist.count >= 5, `${idleHist.count} idle samples`);

  // Three trials, each its own collection window; wherever the block falls in the timer's
  // period, the estimate should not depend on it. The test runner shares this process,
  // and a neighbour can only add delay (CI runs have had two trials in a row 2-3 ms
  // high, the first one most often), so the best trial decides the 2 ms bound.
  const errors: number[] = [];
  let before = idleHist;
  for (let trial = 0; trial < 3; trial++) {
    await sleep(150 + 37 * trial);
    const took = await new Promise<number>((resolve) => setTimeout(() => resolve(block(50)), 5));
    await sleep(250);
    const after = await mem.collect();
    const max = value(find(after, METRICS.eventloopDelayMax.name)) * 1000;
    t.diagnostic(`block ${took.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
    errors.push(Math.abs(max - took));
    const hist = histogram(find(after, METRICS.eventloopDelay.name));
    const bucket = DELAY_BUCKETS_SECONDS.findIndex((b) => took / 1000 <= b);
    assert.equal(
      hist.buckets.counts[bucket]! - before.buckets.counts[bucket]!,
      1,
      'one sample in the block’s bucket',
    );
    before = hist;
  }
  const all = `off by ${errors.map((e) => e.toFixed(2)).join(', ')} ms`;
  assert.ok(Math.min(...errors) <= 2, all);
  assert.ok(Math.max(...errors) <= 10, all);
});

test('the gauges cover one collection each: the next window forgets the block', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  await sleep(300);
  block(30);
  await sleep(250);
  assert.ok(value(find(await mem.collect(), METRICS.eventloopDelayMax.name)) >= 0.029);
  await sleep(400);
  assert.ok(value(find(await mem.collect(), METRICS.eventloopDelayMax.name)) < 0.01);
});
