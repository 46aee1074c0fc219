import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { ATTR, METRICS } from '../../src/names.js';
import { find, memoryMetrics, value } from '../helpers/memory.js';

test('utilization per collection, cumulative active/idle time and loop iterations', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  await sleep(200);
  const first = await mem.collect();
  // Busy for ~half of the next window.
  const end = performance.now() + 300;
  while (performance.now() < end) {
    const s = performance.now();
    while (performance.now() - s < 20);
    await sleep(20);
  }
  const second = await mem.collect();
  const util = value(find(second, METRICS.eventloopUtilization.name));
  assert.ok(util > 0.2 && util < 0.95, `utilization ${util}`);
  await sleep(300);
  assert.ok(
    value(find(await mem.collect(), METRICS.eventloopUtilization.name)) < 0.3,
    'idle window',
  );

  const time = find(second, METRICS.eventloopTime.name);
  const active = value(time, { [ATTR.eventloopState]: 'active' });
  const idle = value(time, { [ATTR.eventloopState]: 'idle' });
  assert.ok(
    active - value(find(first, METRICS.eventloopTime.name), { [ATTR.eventloopState]: 'active' }) >=
      0.14,
  );
  assert.ok(
    Math.abs(active + idle - (performance.now() - performance.nodeTiming.loopStart) / 1000) < 1,
  );

  const iterations = value(find(second, METRICS.eventloopIterations.name));
  assert.ok(iterations > value(find(first, METRICS.eventloopIterations.name)));
  assert.ok(value(find(second, METRICS.eventloopEventsWaiting.name)) >= 0);
});
