/**
 * registerLoopscopeMetrics: builds every sampler from the registry on a
 * Meter, drives the periodic ones from one shared timer, and reports the
 * others through one batch observable callback per sampler. Works on the
 * agent's own MeterProvider and on an application's existing one. Never
 * throws: a sampler that fails is logged once and left out.
 */
import { performance } from 'node:perf_hooks';
import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { log, describeError } from './log.js';
import type { MetricDef } from './names.js';
import { resolveSamplerOptions, type SamplerOptions } from './options.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { SAMPLERS } from './samplers/index.js';
import { markSelfTime } from './self-time.js';
import { Ticker } from './ticker.js';
import { startWatchdog } from './watchdog/watchdog.js';

export interface LoopscopeMetrics {
  /** Stops sampling; instruments stay registered but report nothing more. */
  stop(): void;
}

const NOOP: LoopscopeMetrics = { stop() {} };

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
      log.once(
        `${sampler.name}.${what}`,
        'warn',
        `sampler ${sampler.name} ${what} failed: ${describeError(err)}`,
      );
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
    const resolved = resolveSamplerOptions(options);
    ctx = {
      options: resolved,
      histogram: (metric, buckets) =>
        meter.createHistogram(metric.name, {
          unit: metric.unit,
          description: metric.description,
          advice: { explicitBucketBoundaries: [...buckets] },
        }),
    };
  } catch (err) {
    log.error(`${describeError(err)}; loopscope metrics are not registered`);
    return NOOP;
  }

  const ticker = new Ticker(ctx.options.eventLoopResolutionMs);
  const samplers: Sampler[] = [];
  const callbacks: [BatchObservableCallback, Observable[]][] = [];
  const observables = new Map<MetricDef, Observable>();
  // The watchdog's heartbeat rides the shared tick (when it is at most the block
  // threshold). Its listener goes first: a stack captured by an interrupt that
  // lands in the samplers' work after the beat belongs to no stall and is dropped.
  const watchdog = startWatchdog(ctx.options, meter, loggerProvider, ticker);

  for (const factory of SAMPLERS) {
    try {
      const sampler = factory(ctx);
      if (!sampler) continue;
      samplers.push(sampler);
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
      log.warn(`sampler ${factory.name} could not start: ${describeError(err)}`);
    }
  }
  ticker.start();

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      ticker.stop();
      for (const [callback, instruments] of callbacks) {
        meter.removeBatchObservableCallback(callback, instruments);
      }
      for (const sampler of samplers) guard(sampler, 'stop', () => sampler.stop?.())();
      void watchdog.stop();
    },
  };
}
