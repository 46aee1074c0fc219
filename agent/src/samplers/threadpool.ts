/**
 * libuv thread-pool saturation. No API exposes the pool's queue, so a tiny
 * crypto task (randomFill of 1 byte, ~0.1 ms of work) is sent through it on
 * the shared timer and its round trip is recorded: it rises with the queue
 * in front of it. Crypto, not fs: fs calls can bypass the pool with io_uring.
 * Never more than one probe in flight, so a saturated pool is not loaded
 * further by us; a probe stuck in the queue is recorded when it returns.
 * The round trip includes waiting for the loop to run the callback; the
 * wait series takes out the loop's active time over the flight (from
 * eventLoopUtilization), so a blocked loop with an idle pool reads ~0.
 */
import { randomFill } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DELAY_BUCKETS_SECONDS, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';
import { asSelfTime } from '../self-time.js';

/** What libuv does with UV_THREADPOOL_SIZE: atoi, at least 1, at most 1024, default 4. */
export function threadPoolSize(raw: string | undefined = process.env.UV_THREADPOOL_SIZE): number {
  if (raw === undefined) return 4;
  const n = Number.parseInt(raw, 10);
  return Math.min(1024, Math.max(1, Number.isNaN(n) ? 0 : n));
}

export const threadPool: SamplerFactory = (ctx) => {
  const interval = ctx.options.threadPoolProbeIntervalMs;
  // Ticks jitter around their period; half a period of slack keeps "every 1000 ms"
  // from slipping to every other tick.
  const due = interval - ctx.options.eventLoopResolutionMs / 2;
  const histogram = ctx.histogram(METRICS.threadpoolQueueDelay, DELAY_BUCKETS_SECONDS);
  const waitHistogram = ctx.histogram(METRICS.threadpoolWait, DELAY_BUCKETS_SECONDS);
  const buffer = new Uint8Array(1);
  let inFlight = false;
  let stopped = false;
  let lastSent: number | undefined;

  const probe = (now: number): void => {
    inFlight = true;
    lastSent = now;
    const sentActive = performance.eventLoopUtilization().active;
    randomFill(
      buffer,
      asSelfTime((err: Error | null) => {
        inFlight = false;
        if (err || stopped) return;
        const roundTrip = performance.now() - now;
        histogram.record(roundTrip / 1000);
        // A finished task waits for the loop to run its callback: while the loop was busy
        // (blocked, or running other callbacks) the pool was not what held the probe.
        const loopBusy = performance.eventLoopUtilization().active - sentActive;
        waitHistogram.record(Math.max(0, roundTrip - loopBusy) / 1000);
      }),
    );
  };

  return {
    name: 'threadpool',
    observes: [METRICS.threadpoolSize],
    tick:
      interval > 0
        ? (now) => {
            // The first probe waits one interval: apps set UV_THREADPOOL_SIZE at the top of
            // their main module, and the pool is sized by whoever uses it first.
            lastSent ??= now;
            if (!inFlight && now - lastSent >= due) probe(now);
          }
        : undefined,
    collect(observe) {
      observe(METRICS.threadpoolSize, threadPoolSize());
    },
    stop() {
      stopped = true;
    },
  };
};
