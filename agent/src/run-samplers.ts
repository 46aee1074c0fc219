/**
 * Runs the samplers and the blocked-loop watchdog: builds every entry of the
 * registry (samplers/index.ts, the watchdog among them) through one
 * SamplerContext on a Meter, drives the periodic ones from one shared timer
 * whose loop monitor publishes each tick's stall, and reports the others
 * through one batch observable callback per sampler. Works on the agent's
 * own MeterProvider and on an application's existing one. Never throws: a
 * sampler that fails is logged once and left out.
 */
import { performance } from 'node:perf_hooks';
import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { logs, type LoggerProvider } from '@opentelemetry/api-logs';
import { report, reportFailure } from './errors.js';
import { describeError } from './log.js';
import { GcPauses } from './loop/gc-pauses.js';
import { LoopMonitor } from './loop/loop-monitor.js';
import type { MetricDef } from './names.js';
import {
  resolveSamplerOptions,
  type ResolvedSamplerOptions,
  type SamplerOptions,
} from './options.js';
import type { Sampler, SamplerContext, SamplerFactory } from './sampler.js';
import { SAMPLERS } from './samplers/index.js';
import { markSelfTime } from './self-time.js';
import { Ticker } from './ticker.js';

export interface LoopscopeMetrics {
  /** Stops sampling; instruments stay registered but report nothing more. Never rejects. */
  stop(): Promise<void>;
}

const NOOP: LoopscopeMetrics = { stop: () => Promise.resolve() };

/**
 * The shared timer's period: the event-loop resolution, or the block
 * threshold when that is shorter (the watchdog's heartbeat must beat at
 * least once per threshold to see a stall while it lasts).
 */
export function tickPeriodMs(options: ResolvedSamplerOptions): number {
  const threshold = options.blockThresholdMs;
  return threshold > 0
    ? Math.min(options.eventLoopResolutionMs, threshold)
    : options.eventLoopResolutionMs;
}

/** The context every sampler is built with; exported for benchmarks that time samplers alone. */
export function createSamplerContext(
  meter: Meter,
  options: ResolvedSamplerOptions,
  loggerProvider: LoggerProvider = logs.getLoggerProvider(),
): SamplerContext {
  return {
    options,
    histogram: (metric, buckets) =>
      meter.createHistogram(metric.name, {
        unit: metric.unit,
        description: metric.description,
        advice: { explicitBucketBoundaries: [...buckets] },
      }),
    counter: (metric) =>
      meter.createCounter(metric.name, { unit: metric.unit, description: metric.description }),
    loop: new LoopMonitor(tickPeriodMs(options)),
    gcPauses: new GcPauses(),
    loggerProvider,
  };
}

function createObservable(meter: Meter, metric: MetricDef): Observable {
  const opts = { unit: metric.unit, description: metric.description };
  switch (metric.kind) {
    case 'gauge':
      return meter.createObservableGauge(metric.name, opts);
    case 'counter':
      return meter.createObservableCounter(metric.name, opts);
    case 'updowncounter':
      return meter.createObservableUpDownCounter(metric.name, opts);
    case 'histogram':
      throw new Error(`${metric.name} is a histogram and cannot be observed`);
  }
}

/** Wraps sampler work so a failure is logged once per sampler and never reaches the app. */
function guard<A extends unknown[]>(sampler: Sampler, what: string, fn: (...args: A) => void) {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch (err) {
      const detail = `sampler ${sampler.name} ${what} failed: ${describeError(err)}`;
      report('LOOPSCOPE_AGENT_SAMPLER_FAILED', detail, `${sampler.name}.${what}`);
    }
  };
}

/**
 * `loggerProvider` receives the blocked-loop watchdog's events (default: the
 * global one of @opentelemetry/api-logs, a no-op unless the app set one).
 */
export function registerLoopscopeMetrics(
  meter: Meter,
  options?: SamplerOptions,
  loggerProvider?: LoggerProvider,
): LoopscopeMetrics {
  let ctx: SamplerContext;
  try {
    ctx = createSamplerContext(meter, resolveSamplerOptions(options), loggerProvider);
  } catch (err) {
    reportFailure('LOOPSCOPE_AGENT_METRICS_NOT_REGISTERED', err);
    return NOOP;
  }
  return runSamplers(meter, ctx, SAMPLERS);
}

/** Builds `factories` through `ctx`, starts the shared timer, and returns the one stop handle. */
export function runSamplers(
  meter: Meter,
  ctx: SamplerContext,
  factories: readonly SamplerFactory[],
): LoopscopeMetrics {
  const ticker = new Ticker(ctx.loop);
  const samplers: Sampler[] = [];
  const callbacks: [BatchObservableCallback, Observable[]][] = [];
  const observables = new Map<MetricDef, Observable>();

  for (const factory of factories) {
    try {
      const sampler = factory(ctx);
      if (!sampler) continue;
      samplers.push(sampler);
      if (sampler.loop) ctx.loop.subscribe(guard(sampler, 'loop', sampler.loop.bind(sampler)));
      if (sampler.tick) ticker.add(guard(sampler, 'tick', sampler.tick.bind(sampler)));
      if (sampler.collect && sampler.observes.length > 0) {
        const instruments = sampler.observes.map((m) => {
          const existing = observables.get(m) ?? createObservable(meter, m);
          observables.set(m, existing);
          return existing;
        });
        const collect = sampler.collect.bind(sampler);
        const callback: BatchObservableCallback = guard(sampler, 'collect', (result) => {
          markSelfTime(performance.now());
          collect((metric, value, attributes) => {
            const instrument = observables.get(metric);
            if (instrument) result.observe(instrument, value, attributes);
          });
        });
        meter.addBatchObservableCallback(callback, instruments);
        callbacks.push([callback, instruments]);
      }
    } catch (err) {
      reportFailure(
        'LOOPSCOPE_AGENT_SAMPLER_FAILED',
        err,
        `sampler ${factory.name} could not start: `,
      );
    }
  }
  ticker.start();

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        ticker.stop();
        for (const [callback, instruments] of callbacks) {
          meter.removeBatchObservableCallback(callback, instruments);
        }
        const pending: Promise<void>[] = [];
        for (const sampler of samplers) {
          guard(sampler, 'stop', () => {
            const done = sampler.stop?.();
            if (done) pending.push(done.catch(() => {}));
          })();
        }
        await Promise.all(pending);
      })();
      return stopped;
    },
  };
}
