/**
 * The clocks the stall anatomy needs, read on every heartbeat so that the
 * deltas of the interval that turns out to hold a stall are at hand when it
 * ends: the main thread's CPU and run-queue time (thread-clock.ts) and,
 * when the cgroup has a CPU quota, its throttled time (cgroup-cpu.ts). Two
 * preads per heartbeat at most (~10-15 µs each here); the quota is looked
 * up again every REFRESH heartbeats, so a limit set after start is seen.
 */
import { openCgroupCpu, type CgroupCpu } from '../loop/cgroup-cpu.js';
import { openThreadClock, type ThreadClock } from '../loop/thread-clock.js';

export interface IntervalDeltas {
  readonly cpuMs: number | undefined;
  readonly waitMs: number | undefined;
  readonly throttledMs: number | undefined;
}

const REFRESH = 100;

export class IntervalClocks {
  private readonly thread: ThreadClock | undefined = openThreadClock();
  private cgroup: CgroupCpu | undefined;
  private quota = false;
  private beats = 0;
  private cpu: number | undefined;
  private wait: number | undefined;
  private throttled: number | undefined;

  constructor() {
    this.refresh();
  }

  /** Whether the thread's clocks can be read here (Linux schedstat or threadCpuUsage). */
  get available(): boolean {
    return this.thread !== undefined;
  }

  private refresh(): void {
    if (!this.cgroup) this.cgroup = openCgroupCpu();
    this.quota = this.cgroup?.limit() !== undefined;
    if (!this.quota) this.throttled = undefined;
  }

  /** Reads every clock and returns the deltas since the previous call. */
  read(): IntervalDeltas {
    if (++this.beats % REFRESH === 0) this.refresh();
    const now = this.thread?.read();
    const throttled = this.quota ? this.cgroup?.stat()?.throttledMs : undefined;
    const deltas: IntervalDeltas = {
      cpuMs: now && this.cpu !== undefined ? now.cpuMs - this.cpu : undefined,
      waitMs:
        now?.waitMs !== undefined && this.wait !== undefined ? now.waitMs - this.wait : undefined,
      throttledMs:
        throttled !== undefined && this.throttled !== undefined
          ? throttled - this.throttled
          : undefined,
    };
    this.cpu = now?.cpuMs;
    this.wait = now?.waitMs;
    this.throttled = throttled;
    return deltas;
  }

  close(): void {
    this.thread?.close();
    this.cgroup?.close();
  }
}
