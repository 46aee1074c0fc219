import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { ATTR, METRICS } from '../../src/names.js';
import { find, memoryMetrics, value } from '../helpers/memory.js';

test('heap used and limit, and every heap space', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  const metrics = await mem.collect();
  assert.equal(value(find(metrics, METRICS.heapLimit.name)), getHeapStatistics().heap_size_limit);
  const used = value(find(metrics, METRICS.heapUsed.name));
  assert.ok(used > 1e6 && used < getHeapStatistics().total_heap_size * 2);
  for (const space of getHeapSpaceStatistics()) {
    const attrs = { [ATTR.heapSpace]: space.space_name };
    assert.ok(value(find(metrics, METRICS.heapSpaceSize.name), attrs) >= 0, space.space_name);
    assert.ok(
      value(find(metrics, METRICS.heapSpaceUsed.name), attrs) <=
        value(find(metrics, METRICS.heapSpaceSize.name), attrs),
    );
  }
});
