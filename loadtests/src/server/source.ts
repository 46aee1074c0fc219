import type { CpuPressure, StackAnatomy, StallTime } from './stall-causes.js';

/**
 * Server-side data for a run's time window: the target's event loop and
 * thread pool, from Prometheus or from the loopscope collector. Both
 * implementations return the same signals, in the same units, so the
 * analysis never knows which one answered.
 */

/** A timestamped value; `t` in ms since the epoch. */
export interface Point {
  t: number;
  v: number;
}

export const SIGNALS = [
  'loopDelayP99',
  'loopDelayMax',
  'utilization',
  'poolDelayP99',
  'activeResources',
  'poolPending',
] as const;
export type SignalKey = (typeof SIGNALS)[number];

/** What each signal is, for the reports. Delays are in milliseconds. */
export const SIGNAL_INFO: Readonly<
  Record<SignalKey, { label: string; unit: 'ms' | 'ratio' | 'count' }>
> = {
  loopDelayP99: { label: 'event-loop delay p99', unit: 'ms' },
  loopDelayMax: { label: 'event-loop delay max', unit: 'ms' },
  utilization: { label: 'event-loop utilization', unit: 'ratio' },
  poolDelayP99: { label: 'thread-pool queue delay p99', unit: 'ms' },
  activeResources: { label: 'active resources', unit: 'count' },
  poolPending: { label: 'thread-pool pending requests', unit: 'count' },
};

/** A JavaScript stack that blocked the loop during the run (collector with blocked-loop capture). */
export interface BlockingStack {
  fingerprint: string;
  count: number;
  /** The agent's measured durations (`loopscope.block.duration_ms`), summed and longest. */
  totalMs: number;
  maxMs: number;
  frames: string[];
  instance?: string;
  /** Where the captured stalls' time went; absent when the agent sent no anatomy. */
  anatomy?: StackAnatomy;
}

/**
 * What kept the loop busy without one stall over the threshold (the agent's
 * busy-loop events, collector source): the hottest stack sampled while the
 * loop's utilization stayed above the agent's threshold for seconds.
 */
export interface BusyLoop {
  fingerprint: string;
  /** The hottest stack's place: `_key (bcryptjs/dist/bcrypt.js:1217)`. */
  label: string;
  /** The application's frame that called into that package; null when the place is the app's own code. */
  caller: string | null;
  /** Busy-loop events it was the hottest stack of, and their summed busy time (ms). */
  count: number;
  totalMs: number;
  /** Highest event-loop utilization among them (0-1). */
  maxUtilization: number;
  /** Stack samples taken while busy, and how many were this stack. */
  samples: number;
  hottestSamples: number;
  frames: string[];
  instance?: string;
}

export interface ServerData {
  source: 'prometheus' | 'collector';
  url: string;
  job: string;
  instances: string[];
  /** Each signal over the window; several instances are folded to the worst one per time by the analysis. */
  signals: Record<SignalKey, Point[]>;
  blockingStacks?: BlockingStack[];
  /** Busy-loop events in the window; undefined when the source does not keep them. */
  busyLoops?: BusyLoop[];
  /**
   * Stalls the agent counted in the window (its `loopscope.eventloop.blocks`
   * counter: every stall, captured or not); the captured stacks are a
   * sample of these. Undefined when the source does not keep the counter.
   */
  stallsCounted?: number;
  /** Stall time by cause over the window; undefined when neither the counter nor an anatomy is known. */
  stallTime?: StallTime;
  /** Run-queue wait and cgroup throttling over the window; undefined when the source has none. */
  cpuPressure?: CpuPressure;
  /** The rate()/quantile window Prometheus computed over. */
  rateWindow?: string;
  warnings: string[];
}

export interface ServerQuery {
  job: string;
  instance?: string;
  fromMs: number;
  toMs: number;
  /** Resolution wanted, usually the client timeline's bucket width. */
  stepMs: number;
}

export interface ServerSource {
  readonly kind: ServerData['source'];
  readonly url: string;
  fetch(q: ServerQuery): Promise<ServerData>;
}

export function emptySignals(): Record<SignalKey, Point[]> {
  return Object.fromEntries(SIGNALS.map((k) => [k, []])) as unknown as Record<SignalKey, Point[]>;
}
