/**
 * Stall anatomy: where a stall's wall time went. Pure arithmetic over
 * counter deltas the watchdog took on the heartbeats around the stall, so it
 * is unit-tested with synthetic numbers; how each input is measured and its
 * limits are in agent/README.md ("Stall anatomy").
 *
 * The clocks cover the whole interval between two heartbeats: the loop's
 * active time in it (the stall and any other callbacks) and its idle time in
 * the kernel poll (off the CPU, not part of the stall). The CPU and
 * run-queue deltas are therefore scaled to the stall by wall / active when
 * the interval had more active time than the stall. Run-queue wait after
 * the poll's wake-up happens inside the poll (libuv counts it as idle), so
 * the wait is capped to what the CPU time leaves of the stall. off_cpu is
 * the rest; gc is part of cpu; throttled is part of cpu_wait.
 */
import type { BlockAnatomy, BlockCause } from '../names.js';

export interface AnatomyInput {
  /** The stall, ms. */
  readonly wallMs: number;
  /** Loop active time in the interval the deltas cover, ms. */
  readonly activeMs: number;
  /** Main-thread CPU time in the interval, ms; undefined without a thread clock. */
  readonly cpuMs: number | undefined;
  /** Main-thread run-queue wait in the interval, ms; undefined where the OS does not say. */
  readonly waitMs: number | undefined;
  /** Time the cgroup was throttled in the interval, ms; undefined without a quota. */
  readonly throttledMs: number | undefined;
  /** GC pauses inside the stall, ms. */
  readonly gcMs: number;
}

/** What the event carries (BlockAnatomy), and the time per cause the watchdog also counts. */
export interface Anatomy extends BlockAnatomy {
  /** The stall's time per cause, ms: sums to the wall time. */
  readonly byCause: Readonly<Record<BlockCause, number>>;
}

/** Undefined when there is no thread clock (cpu unknown): no anatomy rather than a wrong one. */
export function anatomyOf(input: AnatomyInput): Anatomy | undefined {
  const { wallMs, activeMs } = input;
  if (input.cpuMs === undefined || wallMs <= 0) return undefined;
  const scale = activeMs > wallMs ? wallMs / activeMs : 1;
  const cpuMs = Math.max(0, input.cpuMs * scale);
  const cpuWaitMs = Math.min(Math.max(0, (input.waitMs ?? 0) * scale), Math.max(0, wallMs - cpuMs));
  const offCpuMs = Math.max(0, wallMs - cpuMs - cpuWaitMs);
  const gcMs = Math.min(Math.max(0, input.gcMs), cpuMs);
  const throttledMs = Math.min(Math.max(0, input.throttledMs ?? 0), cpuWaitMs);
  const parts: Record<BlockCause, number> = {
    code: cpuMs - gcMs,
    gc: gcMs,
    cpu_starved: cpuWaitMs,
    syscall: offCpuMs,
  };
  // Shares of the wall time: when the measured CPU exceeds the stall (sampling error), scale down.
  const total = cpuMs + cpuWaitMs + offCpuMs;
  const byCause = { ...parts };
  if (total > wallMs)
    for (const k of Object.keys(byCause) as BlockCause[]) byCause[k] *= wallMs / total;
  let cause: BlockCause = 'code';
  for (const k of Object.keys(parts) as BlockCause[]) if (parts[k] > parts[cause]) cause = k;
  return { cpuMs, gcMs, cpuWaitMs, throttledMs, offCpuMs, cause, byCause };
}
