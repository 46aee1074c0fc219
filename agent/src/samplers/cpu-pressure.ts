/**
 * CPU pressure, continuously, because throttling and a crowded node slow a
 * loop that never crosses the block threshold: the main thread's run-queue
 * wait (schedstat field 2) and, when the cgroup has a CPU quota, its
 * throttled time and periods and the limit (quota / period). Read at
 * collection time only (no tick). Linux only: elsewhere, or without a
 * quota for the cgroup ones, the metrics are absent, never zero.
 */
import { openCgroupCpu, type CgroupCpu } from '../loop/cgroup-cpu.js';
import { openThreadClock } from '../loop/thread-clock.js';
import { METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';

export const cpuPressure: SamplerFactory = () => {
  if (process.platform !== 'linux') return undefined;
  const thread = openThreadClock();
  const schedstat = thread?.source === 'schedstat' ? thread : undefined;
  if (thread && !schedstat) thread.close();
  // Looked up at each collection while absent: the process may be moved into a cgroup later.
  let cgroup: CgroupCpu | undefined = openCgroupCpu();
  if (!schedstat && !cgroup) return undefined;
  return {
    name: 'cpu-pressure',
    observes: [
      METRICS.mainthreadCpuWait,
      METRICS.cgroupCpuThrottledTime,
      METRICS.cgroupCpuThrottledPeriods,
      METRICS.cgroupCpuPeriods,
      METRICS.cgroupCpuLimit,
    ],
    collect(observe) {
      const wait = schedstat?.read()?.waitMs;
      if (wait !== undefined) observe(METRICS.mainthreadCpuWait, wait / 1000);
      cgroup ??= openCgroupCpu();
      const limit = cgroup?.limit();
      if (limit === undefined) return;
      observe(METRICS.cgroupCpuLimit, limit);
      const stat = cgroup?.stat();
      if (!stat) return;
      observe(METRICS.cgroupCpuThrottledTime, stat.throttledMs / 1000);
      observe(METRICS.cgroupCpuThrottledPeriods, stat.throttledPeriods);
      observe(METRICS.cgroupCpuPeriods, stat.periods);
    },
    stop() {
      schedstat?.close();
      cgroup?.close();
    },
  };
};
