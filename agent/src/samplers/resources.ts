/**
 * v8js.resource.active and loopscope.threadpool.pending, from one call to
 * process.getActiveResourcesInfo() per collection (with 10,000 sockets the
 * call itself is the main cost, so both metrics share it).
 *
 * That call builds a new string per resource: with 10,000 sockets ~0.5 MB
 * of young objects per call, and at one collection a second it cost ~4.6 ms
 * of CPU per second (the call, the counting, and the scavenges it triggers;
 * benchmarks/README.md, "The 10,000-socket cost"). So once a call lists
 * many resources the counts are refreshed at most every REFRESH_MS and the
 * last counts are reported in between; small counts stay fresh at every
 * collection.
 */
import { performance } from 'node:perf_hooks';
import { ATTR, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';

/**
 * Request types that run on the libuv thread pool and are visible as active
 * resources. Crypto and zlib jobs are not ReqWraps and never appear here.
 */
export const POOL_REQUEST_TYPES = [
  'FSReqCallback',
  'FSReqPromise',
  'GetAddrInfoReqWrap',
  'GetNameInfoReqWrap',
] as const;

/**
 * Counts by type. Resources of one type tend to be listed next to each other
 * (10,000 sockets, then timers), so runs are counted first: one Map update
 * per run instead of per entry, ~5x faster at 10,000 sockets.
 */
export function countByType(types: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  let run = '';
  let length = 0;
  for (const type of types) {
    if (type === run) {
      length++;
      continue;
    }
    if (length > 0) counts.set(run, (counts.get(run) ?? 0) + length);
    run = type;
    length = 1;
  }
  if (length > 0) counts.set(run, (counts.get(run) ?? 0) + length);
  return counts;
}

/** Above this many resources one call costs ~0.1 ms or more, plus the scavenges its strings cause. */
export const LARGE_RESOURCE_COUNT = 1000;
/** How long counts above LARGE_RESOURCE_COUNT are reused: 10 s, the default export interval. */
export const REFRESH_MS = 10_000;

export const activeResources: SamplerFactory = () => {
  let counts = new Map<string, number>();
  let large = false;
  let refreshedAt = -Infinity;
  const current = (): Map<string, number> => {
    const now = performance.now();
    if (large && now - refreshedAt < REFRESH_MS) return counts;
    const types = process.getActiveResourcesInfo();
    counts = countByType(types);
    large = types.length > LARGE_RESOURCE_COUNT;
    refreshedAt = now;
    return counts;
  };
  return {
    name: 'resources',
    observes: [METRICS.resourceActive, METRICS.threadpoolPending],
    collect(observe) {
      const counts = current();
      for (const [type, count] of counts) {
        observe(METRICS.resourceActive, count, { [ATTR.resourceType]: type });
      }
      // Zeros too: a dashboard should show "0 pending", not "no data".
      for (const type of POOL_REQUEST_TYPES) {
        observe(METRICS.threadpoolPending, counts.get(type) ?? 0, { [ATTR.requestType]: type });
      }
    },
  };
};
