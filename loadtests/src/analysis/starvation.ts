/**
 * CPU starvation, told apart from event-loop blocking by the agent's stall
 * anatomy: a stall whose time the main thread spent runnable but waiting for
 * a CPU (run-queue wait, CFS throttling included) is the machine or the
 * container's CPU limit, not the app's JavaScript. The fix is CPU limits or
 * placement, not code, so it is its own verdict.
 */
import type { CpuPressure, StallTime } from '../server/stall-causes.js';
import { BLOCK_CAUSES, sharesOf, totalOf } from '../server/stall-causes.js';
import { ms } from '../report/units.js';
import type { Verdict } from './verdict.js';

export interface StarvationOptions {
  /** Share of the run's stall time spent waiting for a CPU from which the stalls count as starvation. */
  starvedShare: number;
  /**
   * A run that blamed neither the loop nor the pool (starved from its first
   * second, latency has no baseline to leave) is starved when its starved
   * stall time is at least this many ms and this share of the run's wall time.
   */
  minStarvedMs: number;
  minStarvedShareOfRun: number;
  /**
   * Without stall time by cause (an agent without the anatomy): the main
   * thread's run-queue wait as a share of the run's wall time from which a
   * blamed loop is starvation instead.
   */
  cpuWaitShare: number;
}

export const DEFAULT_STARVATION_OPTIONS: StarvationOptions = {
  starvedShare: 0.5,
  minStarvedMs: 200,
  minStarvedShareOfRun: 0.05,
  cpuWaitShare: 0.3,
};

export interface StarvationEvidence {
  /** The run's wall time, ms. */
  windowMs?: number;
  stallTime?: StallTime;
  cpuPressure?: CpuPressure;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The stall-time line: each cause's time and share, and where the figures come from. */
export function stallTimeLine(s: StallTime): string {
  const shares = sharesOf(s.byCause);
  const parts = BLOCK_CAUSES.map((c) => `${c} ${ms(s.byCause[c])} (${pct(shares[c])})`).join(', ');
  const from =
    s.from === 'counter'
      ? "the agent's stall-time counter: every stall"
      : `the anatomy of ${s.stalls ?? 0} captured stall(s): a sample`;
  return `stall time by cause: ${parts} (${from})`;
}

/**
 * Adds the stall-anatomy and CPU-pressure evidence to a verdict and turns an
 * event-loop verdict (or an unexplained degradation) into CPU starvation
 * when the stalls were mostly waiting for a CPU.
 */
export function judgeStarvation(
  v: Verdict,
  e: StarvationEvidence,
  opts: Partial<StarvationOptions> = {},
): void {
  const o = { ...DEFAULT_STARVATION_OPTIONS, ...opts };
  const lines: string[] = [];
  let starved = false;
  const s = e.stallTime;
  const total = s ? totalOf(s.byCause) : 0;
  if (s && total > 0) {
    lines.push(stallTimeLine(s));
    const share = s.byCause.cpu_starved / total;
    const enough =
      s.byCause.cpu_starved >= Math.max(o.minStarvedMs, o.minStarvedShareOfRun * (e.windowMs ?? 0));
    starved =
      share >= o.starvedShare &&
      (v.bottleneck === 'event-loop' || (v.bottleneck === 'neither' && enough));
  }
  const p = e.cpuPressure;
  let waitShare: number | null = null;
  if (p?.cpuWaitMs != null && p.windowMs > 0) {
    waitShare = p.cpuWaitMs / p.windowMs;
    lines.push(
      `the main thread waited ${ms(p.cpuWaitMs)} for a CPU (run-queue wait, ${pct(waitShare)} of the run's wall time)`,
    );
  }
  if (p?.throttledShare != null || p?.throttledMs != null)
    lines.push(
      `the cgroup's CPU quota throttled it${p.throttledShare != null ? ` in ${pct(p.throttledShare)} of CFS periods` : ''}${p.throttledMs != null ? ` (${ms(p.throttledMs)} throttled)` : ''}`,
    );
  if (
    (!s || total === 0) &&
    v.bottleneck === 'event-loop' &&
    waitShare !== null &&
    waitShare >= o.cpuWaitShare
  )
    starved = true;
  if (!s && !p && v.bottleneck === 'event-loop')
    lines.push(
      'the agent sent no stall anatomy (loopscope.block.cause) and no run-queue wait: CPU starvation cannot be told apart from blocking code here',
    );
  v.evidence.push(...lines);
  if (!starved) return;
  v.bottleneck = 'cpu-starvation';
  v.degraded = true;
  const throttled = (p?.throttledShare ?? 0) > 0 || (p?.throttledMs ?? 0) > 0;
  v.summary = `CPU starvation: requests waited for a loop that was itself waiting for a CPU (${throttled ? 'CFS throttling by the CPU limit, and run-queue wait' : 'run-queue wait: other processes held the cores'}), not running JavaScript; the fix is CPU limits or placement, not code`;
  // Starvation stretches real work too: say so when the stalls' own CPU time is a real part.
  const own = s && total > 0 ? (s.byCause.code + s.byCause.gc) / total : 0;
  if (own >= 0.25)
    v.summary += ` (though ${pct(own)} of the stall time was the code's own CPU work, which blocks the loop too)`;
}
