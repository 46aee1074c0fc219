import { test, type TestContext } from 'node:test';
import { performance } from 'node:perf_hooks';
import { waitFor } from '@loopscope/testkit';
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { METRICS } from '../../src/names.js';
import { threadPoolSize } from '../../src/samplers/threadpool.js';
import { find, histogram, memoryMetrics, value } from '../helpers/memory.js';

/** 2x the pool in pbkdf2 jobs, kept running until stopped (or the test ends): every probe queues behind them. */
function saturate(t: TestContext, iterations: number): { stop(): void; done: Promise<unknown> } {
  let running = true;
  const stop = (): void => {
    running = false;
  };
  t.after(stop);
  const deadline = performance.now() + 30_000;
  const done = Promise.all(
    Array.from({ length: 2 * threadPoolSize() }, async () => {
      while (running && performance.now() < deadline) {
        await new Promise((r) => pbkdf2('pw', 'salt', iterations, 32, 'sha256', r));
      }
    }),
  );
  return { stop, done };
}

test('pool size follows libuv: UV_THREADPOOL_SIZE, at least 1, at most 1024, default 4', () => {
  assert.equal(threadPoolSize(undefined), 4);
  assert.equal(threadPoolSize('8'), 8);
  assert.equal(threadPoolSize('0'), 1);
  assert.equal(threadPoolSize('abc'), 1);
  assert.equal(threadPoolSize('5000'), 1024);
});

test('the probe round trip is sub-millisecond on an idle pool and grows when the pool is busy', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, {
    eventLoopResolutionMs: 20,
    threadPoolProbeIntervalMs: 20,
  });
  t.after(() => handle.stop());
  await sleep(400);
  const idle = await mem.collect();
  assert.equal(value(find(idle, METRICS.threadpoolSize.name)), threadPoolSize());
  const idleHist = histogram(find(idle, METRICS.threadpoolQueueDelay.name));
  assert.ok(idleHist.count >= 5, `${idleHist.count} probes`);
  assert.ok(idleHist.min! < 0.005, `fastest idle probe ${idleHist.min} s`);

  const jobs = saturate(t, 20_000);
  await sleep(600);
  jobs.stop();
  await jobs.done;
  const busy = histogram(find(await mem.collect(), METRICS.threadpoolQueueDelay.name));
  const busyMean = (busy.sum! - idleHist.sum!) / (busy.count - idleHist.count);
  assert.ok(busyMean > 0.005, `mean probe under load ${(busyMean * 1000).toFixed(1)} ms`);
});

test('never more than one probe in flight: a saturated pool gets one probe at a time, not one per tick', async (t) => {
  const mem = memoryMetrics(t);
  const jobs = saturate(t, 200_000);
  const started = performance.now();
  const handle = registerLoopscopeMetrics(mem.meter, {
    eventLoopResolutionMs: 5,
    threadPoolProbeIntervalMs: 5,
  });
  t.after(() => handle.stop());
  const hist = await waitFor(
    async () => {
      const metric = (await mem.collect()).find(
        (m) => m.descriptor.name === METRICS.threadpoolQueueDelay.name,
      );
      return metric && histogram(metric).count >= 2 ? histogram(metric) : undefined;
    },
    { what: 'two completed probes', timeoutMs: 20_000 },
  );
  const elapsed = performance.now() - started;
  jobs.stop();
  // Each probe waits behind the queued ~100 ms jobs; one per 5 ms tick would be elapsed / 5.
  assert.ok(hist.count <= elapsed / 50, `${hist.count} probes in ${elapsed.toFixed(0)} ms`);
  assert.ok(hist.max! > 0.05, `slowest probe ${hist.max} s`);
  await jobs.done;
});

test('a blocked loop with an idle pool: the round trip includes the stall, the pool wait leaves it out', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, {
    eventLoopResolutionMs: 10,
    threadPoolProbeIntervalMs: 10,
    blockThresholdMs: 0,
  });
  t.after(() => handle.stop());
  await sleep(200);
  // A 10 ms interval made after the agent's own: when both are due, the agent's tick runs
  // first (it sends a probe), then this block, so the probe's callback waits for the block.
  let blocks = 0;
  const blocker = setInterval(() => {
    if (++blocks > 5) return clearInterval(blocker);
    const end = performance.now() + 200;
    while (performance.now() < end);
  }, 10);
  await sleep(1600);
  await sleep(100);
  const metrics = await mem.collect();
  const roundTrip = histogram(find(metrics, METRICS.threadpoolQueueDelay.name));
  const wait = histogram(find(metrics, METRICS.threadpoolWait.name));
  assert.equal(wait.count, roundTrip.count);
  assert.ok(
    roundTrip.max! > 0.1,
    `longest round trip ${roundTrip.max} s (a probe waited for a block)`,
  );
  // What the wait series took out of the round trips is the loop's active time: the 200 ms
  // blocks, ~1 s in all. A pool thread left without a CPU on a busy machine adds to both series
  // alike (beside a CPU hog and two other test files, one probe's wait read 154 ms), so the
  // difference, not the wait alone, tells whether the stall was left out. Half a block of it must be.
  const takenOut = roundTrip.sum! - wait.sum!;
  assert.ok(
    takenOut > 0.1,
    `the wait took ${takenOut.toFixed(3)} s of loop time out of ${roundTrip.sum!.toFixed(3)} s of ` +
      `round trips (longest round trip ${roundTrip.max} s, longest wait ${wait.max} s)`,
  );
});
