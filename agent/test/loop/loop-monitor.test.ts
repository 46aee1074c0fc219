/**
 * The loop monitor on the real event loop: after a busy stretch (many loop
 * iterations per tick) arms the fine clock, an idle loop stops it again, as
 * its own timer's fires are not counted as the loop being busy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopMonitor } from '../../src/loop/loop-monitor.js';
import { readUvMetrics } from '../../src/loop/loop-reading.js';

const loopCount = (): number => {
  const uv = readUvMetrics();
  assert.ok(uv, 'every supported Node line has performance.nodeTiming.uvMetricsInfo');
  return uv.loopCount;
};

test('after a busy stretch the fine clock stops on an idle loop (it does not keep itself running)', async () => {
  const monitor = new LoopMonitor(100);
  const timer = setInterval(() => monitor.tick(performance.now()), 100);
  try {
    const before = loopCount();
    const end = performance.now() + 600;
    await new Promise<void>((resolve) => {
      const spin = (): void => void (performance.now() < end ? setImmediate(spin) : resolve());
      spin();
    });
    const busy = loopCount() - before;
    assert.ok(busy > 100, `the busy stretch ran ${busy} iterations (more than 8 a tick)`);
    // Idle: the 100 ms tick and these sleeps are ~12 iterations a second; the fine clock
    // (a 10 ms timer) would add ~100.
    await sleep(500);
    const start = loopCount();
    await sleep(1000);
    const idle = loopCount() - start;
    assert.ok(idle < 40, `${idle} loop iterations in 1 s of idle`);
  } finally {
    clearInterval(timer);
    monitor.stop();
  }
});
