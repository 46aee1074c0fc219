/**
 * nodejs.eventloop.delay: one sample per tick of the shared timer, from the
 * StallEstimator, recorded into the aggregatable histogram as it arrives and
 * into a per-collection window that feeds the semantic-convention gauges
 * (min/max/mean/stddev/p50/p90/p99), reset at every collection.
 */
import { createHistogram } from 'node:perf_hooks';
import { DELAY_BUCKETS_SECONDS, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';
import { readLoop } from './loop-reading.js';
import { StallEstimator } from './stall-estimator.js';

const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;

export const eventLoopDelay: SamplerFactory = (ctx) => {
  const histogram = ctx.histogram(METRICS.eventloopDelay, DELAY_BUCKETS_SECONDS);
  const estimator = new StallEstimator(ctx.options.eventLoopResolutionMs);
  // HDR histogram in ns, bounded memory however long nobody collects.
  const window = createHistogram();
  return {
    name: 'eventloop-delay',
    observes: [
      METRICS.eventloopDelayMin,
      METRICS.eventloopDelayMax,
      METRICS.eventloopDelayMean,
      METRICS.eventloopDelayStddev,
      METRICS.eventloopDelayP50,
      METRICS.eventloopDelayP90,
      METRICS.eventloopDelayP99,
    ],
    tick(now) {
      const reading = readLoop(now);
      if (!reading) return;
      const ms = estimator.sample(reading);
      if (ms === undefined) return;
      histogram.record(ms / 1000);
      window.record(Math.max(1, Math.round(ms * NS_PER_MS)));
    },
    collect(observe) {
      if (window.count === 0) return;
      observe(METRICS.eventloopDelayMin, window.min / NS_PER_S);
      observe(METRICS.eventloopDelayMax, window.max / NS_PER_S);
      observe(METRICS.eventloopDelayMean, window.mean / NS_PER_S);
      observe(METRICS.eventloopDelayStddev, window.stddev / NS_PER_S);
      observe(METRICS.eventloopDelayP50, window.percentile(50) / NS_PER_S);
      observe(METRICS.eventloopDelayP90, window.percentile(90) / NS_PER_S);
      observe(METRICS.eventloopDelayP99, window.percentile(99) / NS_PER_S);
      window.reset();
    },
  };
};
