/**
 * nodejs.eventloop.utilization (share of the time since the previous
 * collection spent outside the kernel poll), nodejs.eventloop.time (active
 * and idle seconds since the loop started) and, where libuv exposes them,
 * loop iterations and events waiting.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { ATTR, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';
import { readUvMetrics } from '../loop/loop-reading.js';

const ACTIVE = { [ATTR.eventloopState]: 'active' };
const IDLE = { [ATTR.eventloopState]: 'idle' };

export const eventLoopUtilization: SamplerFactory = () => {
  const uv = readUvMetrics() !== undefined;
  // Baselines, so the first collection covers only the time since start.
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  let previousUv = readUvMetrics();
  return {
    name: 'eventloop-utilization',
    observes: [
      METRICS.eventloopUtilization,
      METRICS.eventloopTime,
      ...(uv ? [METRICS.eventloopIterations, METRICS.eventloopEventsWaiting] : []),
    ],
    collect(observe) {
      const current = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(current, previous);
      previous = current;
      if (current.idle + current.active === 0) return; // the loop has not started yet
      observe(METRICS.eventloopUtilization, delta.utilization);
      observe(METRICS.eventloopTime, current.active / 1000, ACTIVE);
      observe(METRICS.eventloopTime, current.idle / 1000, IDLE);
      const metrics = readUvMetrics();
      if (metrics && previousUv) {
        observe(METRICS.eventloopIterations, metrics.loopCount);
        // libuv counts events found already waiting at each poll cumulatively; per
        // iteration over the window it reads as a backlog depth.
        const loops = metrics.loopCount - previousUv.loopCount;
        const waiting = metrics.eventsWaiting - previousUv.eventsWaiting;
        observe(METRICS.eventloopEventsWaiting, loops > 0 ? waiting / loops : 0);
      }
      previousUv = metrics;
    },
  };
};
