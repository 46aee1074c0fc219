import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { ATTR, METRICS } from '../../src/names.js';
import { find, histogram, memoryMetrics } from '../helpers/memory.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('every GC entry of every observer batch is recorded, by type', async (t) => {
  // An independent count of every entry, batches and all, attached before the agent's.
  let seen = 0;
  let batches = 0;
  const observer = new PerformanceObserver((list) => {
    batches++;
    seen += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  t.after(() => observer.disconnect());
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, {
    threadPoolProbeIntervalMs: 0,
    eventLoopResolutionMs: 1000,
  });
  t.after(() => handle.stop());

  for (let i = 0; i < 10; i++) gc();
  // Minor GCs in quick succession arrive in batches.
  let keep: unknown[] = [];
  for (let i = 0; i < 200_000; i++) keep.push({ i });
  keep = [];
  await sleep(100);

  // Collecting allocates too: a GC during the collection may reach either count first.
  const before = seen;
  const metric = find(await mem.collect(), METRICS.gcDuration.name);
  await sleep(50);
  const counted = metric.dataPoints.reduce((n, p) => n + (p.value as { count: number }).count, 0);
  assert.ok(before >= 10, `${before} GCs in ${batches} batches`);
  assert.ok(
    counted >= before && counted <= seen,
    `${counted} counted, ${before}..${seen} seen in ${batches} batches`,
  );
  assert.ok(histogram(metric, { [ATTR.gcType]: 'major' }).count >= 10);
  assert.equal(keep.length, 0);
});
