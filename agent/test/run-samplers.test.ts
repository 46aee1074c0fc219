import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { registerLoopscopeMetrics } from '../src/run-samplers.js';
import { openCgroupCpu } from '../src/loop/cgroup-cpu.js';
import { METRICS } from '../src/names.js';
import { memoryMetrics } from './helpers/memory.js';

/** Absent by design where the process's cgroup has no CPU quota (as in this test). */
const CGROUP_QUOTA = new Set<string>([
  METRICS.cgroupCpuLimit.name,
  METRICS.cgroupCpuThrottledTime.name,
  METRICS.cgroupCpuThrottledPeriods.name,
  METRICS.cgroupCpuPeriods.name,
]);

/** Reported by the blocked-loop watchdog (issue 8), not by the samplers. */
const WATCHDOG = new Set<string>([
  METRICS.eventloopBlocks.name,
  METRICS.eventloopBlockDuration.name,
]);

test("registers every sampler metric on the application's own Meter, with names, units and kinds from names.ts", async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, {
    eventLoopResolutionMs: 20,
    threadPoolProbeIntervalMs: 20,
  });
  t.after(() => handle.stop());
  await sleep(300);
  const collected = await mem.collect();
  const byName = new Map(collected.map((m) => [m.descriptor.name, m]));
  for (const def of Object.values(METRICS)) {
    if (WATCHDOG.has(def.name)) continue;
    if (CGROUP_QUOTA.has(def.name) && openCgroupCpu()?.limit() === undefined) continue;
    if (def.name === METRICS.gcDuration.name && !byName.has(def.name)) continue; // only once a GC happened
    const metric = byName.get(def.name);
    assert.ok(metric, `${def.name} collected`);
    assert.equal(metric.descriptor.unit, def.unit, `${def.name} unit`);
    assert.equal(metric.descriptor.description, def.description, `${def.name} description`);
    const kind =
      metric.dataPointType === DataPointType.SUM
        ? metric.isMonotonic
          ? 'counter'
          : 'updowncounter'
        : metric.dataPointType === DataPointType.HISTOGRAM
          ? 'histogram'
          : 'gauge';
    assert.equal(kind, def.kind, `${def.name} kind`);
  }
  const unexpected = [...byName.keys()].filter(
    (n) => !Object.values(METRICS).some((d) => d.name === n),
  );
  assert.deepEqual(unexpected, [], 'every reported name is declared in names.ts');
});

test('stop() ends sampling: no new histogram samples, no more observations', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { eventLoopResolutionMs: 10 });
  await sleep(100);
  await handle.stop();
  const before = await mem.collect();
  const count = (ms: typeof before) => {
    const m = ms.find((x) => x.descriptor.name === METRICS.eventloopDelay.name);
    return (m?.dataPoints[0]?.value as { count: number } | undefined)?.count ?? 0;
  };
  assert.ok(count(before) > 0);
  await sleep(100);
  const after = await mem.collect();
  assert.equal(count(after), count(before));
  assert.equal(
    after.find((m) => m.descriptor.name === METRICS.heapUsed.name)?.dataPoints.length ?? 0,
    0,
  );
});

test('bad options register nothing and never throw', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { eventLoopResolutionMs: -1 });
  await handle.stop();
  const collected = await mem.collect();
  assert.deepEqual(
    collected.filter((m) => m.dataPoints.length > 0),
    [],
  );
});
