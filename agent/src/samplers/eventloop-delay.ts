/**
 * nodejs.eventloop.delay: one sample per tick of the shared timer, the
 * loop monitor's stall sample, recorded into the aggregatable histogram as
 * it arrives and into a per-collection window that feeds the
 * semantic-convention gauges (min/max/mean/stddev/p50/p90/p99), reset at
 * every collection.
 */
import { DELAY_BUCKETS_SECONDS, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';
import { SampleWindow } from './sample-window.js';

export const eventLoopDelay: SamplerFactory = (ctx) => {
  const histogram = ctx.histogram(METRICS.eventloopDelay, DELAY_BUCKETS_SECONDS);
  const window = new SampleWindow();
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
    loop({ stallMs }) {
      histogram.record(stallMs / 1000);
      window.record(stallMs / 1000);
    },
    collect(observe) {
      const stats = window.stats();
      if (!stats) return;
      window.reset();
      observe(METRICS.eventloopDelayMin, stats.min);
      observe(METRICS.eventloopDelayMax, stats.max);
      observe(METRICS.eventloopDelayMean, stats.mean);
      observe(METRICS.eventloopDelayStddev, stats.stddev);
      observe(METRICS.eventloopDelayP50, stats.p50);
      observe(METRICS.eventloopDelayP90, stats.p90);
      observe(METRICS.eventloopDelayP99, stats.p99);
    },
  };
};
