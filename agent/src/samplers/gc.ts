/**
 * v8js.gc.duration, one histogram sample per GC. PerformanceObserver
 * delivers GC entries in batches; every entry of every batch is recorded
 * (reading only the first entry of a batch loses 38-96% of GCs), and kept
 * in the context's GcPauses for the watchdog's stall anatomy.
 */
import { constants, PerformanceObserver, type PerformanceObserverEntryList } from 'node:perf_hooks';
import { ATTR, GC_BUCKETS_SECONDS, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';
import { asSelfTime } from '../self-time.js';

/** Semantic-convention v8js.gc.type values, by perf_hooks GC kind. */
const GC_TYPES: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const ATTRS = Object.fromEntries(
  Object.entries(GC_TYPES).map(([kind, type]) => [kind, { [ATTR.gcType]: type }]),
);

export const gc: SamplerFactory = (ctx) => {
  const histogram = ctx.histogram(METRICS.gcDuration, GC_BUCKETS_SECONDS);
  const observer = new PerformanceObserver(
    asSelfTime((list: PerformanceObserverEntryList) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
        ctx.gcPauses.add(entry.startTime, entry.duration);
        histogram.record(entry.duration / 1000, ATTRS[kind ?? -1] ?? { [ATTR.gcType]: 'unknown' });
      }
    }),
  );
  observer.observe({ entryTypes: ['gc'] });
  return {
    name: 'gc',
    observes: [],
    stop() {
      observer.disconnect();
    },
  };
};
