/** V8 heap used and limit, and size and use of each heap space, read at collection time. */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { ATTR, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';

export const heap: SamplerFactory = () => ({
  name: 'heap',
  observes: [METRICS.heapUsed, METRICS.heapLimit, METRICS.heapSpaceSize, METRICS.heapSpaceUsed],
  collect(observe) {
    const stats = getHeapStatistics();
    observe(METRICS.heapUsed, stats.used_heap_size);
    observe(METRICS.heapLimit, stats.heap_size_limit);
    for (const space of getHeapSpaceStatistics()) {
      const attrs = { [ATTR.heapSpace]: space.space_name };
      observe(METRICS.heapSpaceSize, space.space_size, attrs);
      observe(METRICS.heapSpaceUsed, space.space_used_size, attrs);
    }
  },
});
