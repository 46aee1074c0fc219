/**
 * The one small interface every sampler implements. A sampler is a plain
 * object: `tick` does periodic work on the agent's one shared timer,
 * `collect` reports gauge and counter values when a MetricReader collects.
 * Each can be called directly (benchmarks time `collect(() => {})`).
 */
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import type { GcPauses } from './loop/gc-pauses.js';
import type { LoopMonitor, LoopTick } from './loop/loop-monitor.js';
import type { MetricDef } from './names.js';
import type { ResolvedSamplerOptions } from './options.js';

export type Observe = (metric: MetricDef, value: number, attributes?: Attributes) => void;

export interface Sampler {
  /** Short name, for logs and benchmarks. */
  readonly name: string;
  /** The metrics `collect` reports; registered as observable instruments. */
  readonly observes: readonly MetricDef[];
  /** Each tick's stall sample from the one loop monitor; runs before any `tick`. */
  loop?(tick: LoopTick): void;
  /** Periodic work on each tick of the shared timer; `now` is `performance.now()`. */
  tick?(now: number): void;
  /** Reports current values at collection time. */
  collect?(observe: Observe): void;
  /** Releases observers and pending work (a watchdog thread ends asynchronously). */
  stop?(): void | Promise<void>;
}

export interface SamplerContext {
  readonly options: ResolvedSamplerOptions;
  /** A histogram instrument for `metric` with explicit bucket boundaries (seconds). */
  histogram(metric: MetricDef, buckets: readonly number[]): Histogram;
  /** A synchronous counter instrument for `metric`. */
  counter(metric: MetricDef): Counter;
  /** The loop monitor (its period and the heartbeat the watchdog thread reads). */
  readonly loop: LoopMonitor;
  /** Recent GC pauses (filled by the GC sampler). */
  readonly gcPauses: GcPauses;
  /** Where events go (block events). */
  readonly loggerProvider: LoggerProvider;
}

/** Builds a sampler, or returns undefined when this Node cannot provide its signal. */
export type SamplerFactory = (ctx: SamplerContext) => Sampler | undefined;
