/**
 * What the run's stalls went to, by the agent's causes (agent README,
 * "Stall anatomy"): `code` (on the CPU, GC excluded), `gc`, `cpu_starved`
 * (runnable, waiting for a CPU: run-queue wait, CFS throttling included) and
 * `syscall` (off the CPU). The causes are the agent's BLOCK_CAUSES, never
 * spelled here.
 */
import { BLOCK_CAUSES, type BlockCause } from '@loopscope/agent/names';
import type { StoredEvent } from '@loopscope/collector';

export type { BlockCause };
export { BLOCK_CAUSES };

/** Milliseconds by cause. */
export type CauseMs = Record<BlockCause, number>;

/** The anatomy one block event carries (absent from agents that do not measure it). */
export type EventAnatomy = NonNullable<StoredEvent['anatomy']>;

export const noCauseMs = (): CauseMs =>
  Object.fromEntries(BLOCK_CAUSES.map((c) => [c, 0])) as CauseMs;

/** One stall's anatomy as time by cause: GC is part of the CPU time, so code is cpu minus gc. */
export function causeMsOf(a: EventAnatomy): CauseMs {
  const out = noCauseMs();
  out.code = Math.max(0, a.cpuMs - a.gcMs);
  out.gc = Math.min(a.gcMs, a.cpuMs);
  out.cpu_starved = a.cpuWaitMs;
  out.syscall = a.offCpuMs;
  return out;
}

export function addCauseMs(into: CauseMs, add: Readonly<CauseMs>): void {
  for (const c of BLOCK_CAUSES) into[c] += add[c];
}

export const totalOf = (m: Readonly<CauseMs>): number => BLOCK_CAUSES.reduce((s, c) => s + m[c], 0);

/** Share of each cause (0..1); all 0 when there is no stall time. */
export function sharesOf(m: Readonly<CauseMs>): CauseMs {
  const total = totalOf(m);
  const out = noCauseMs();
  if (total > 0) for (const c of BLOCK_CAUSES) out[c] = m[c] / total;
  return out;
}

/** Anatomy of the captured stalls of one stack. */
export interface StackAnatomy {
  /** Captured stalls of the stack that carried an anatomy. */
  measured: number;
  /** Their time by cause, ms. */
  byCause: CauseMs;
  /** Part of their cpu_starved time the cgroup's CPU quota explains, ms. */
  throttledMs: number;
  /** Of those, stalls whose dominant cause the agent gave as cpu_starved. */
  starved: number;
}

export const emptyStackAnatomy = (): StackAnatomy => ({
  measured: 0,
  byCause: noCauseMs(),
  throttledMs: 0,
  starved: 0,
});

export function addEventAnatomy(into: StackAnatomy, a: EventAnatomy): void {
  into.measured++;
  addCauseMs(into.byCause, causeMsOf(a));
  into.throttledMs += a.throttledMs;
  if (a.cause === 'cpu_starved') into.starved++;
}

/** The run's stall time by cause, and where it came from. */
export interface StallTime {
  /** ms by cause over the run's window. */
  byCause: CauseMs;
  /**
   * `counter`: the agent's loopscope.eventloop.block.time counter (every
   * stall); `captured`: the anatomy of the captured stalls only (a sample).
   */
  from: 'counter' | 'captured';
  /** Captured stalls with an anatomy (for `captured`). */
  stalls?: number;
}

/** Continuous CPU-pressure signals of the main thread and its cgroup over the run's window. */
export interface CpuPressure {
  /** Run-queue wait of the main thread (loopscope.mainthread.cpu_wait.time), ms; null when not sent. */
  cpuWaitMs: number | null;
  /** The cgroup's throttled time (loopscope.cgroup.cpu.throttled.time), ms; null without a quota. */
  throttledMs: number | null;
  /** Throttled periods / periods (loopscope.cgroup.cpu.throttled.periods / .periods); null without a quota or a source that keeps them. */
  throttledShare: number | null;
  /** Wall time the figures cover, ms (to turn them into shares). */
  windowMs: number;
}
