/**
 * The main thread's CPU clocks. On Linux, /proc/self/task/<tid>/schedstat
 * (tid of the main thread = pid): field 1 is the time on a CPU, field 2 the
 * time runnable but waiting on a run queue (which includes time the
 * thread's cgroup was throttled by its CPU quota), both in ns. Read with a
 * pread on a descriptor opened once (~10-15 µs here; readFileSync is ~8x
 * that). Elsewhere, process.threadCpuUsage() (Node >= 23.9) gives the CPU
 * time alone; without either there is no clock.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface ThreadClocks {
  /** Time on a CPU, ms. */
  readonly cpuMs: number;
  /** Time runnable but waiting for a CPU, ms; undefined where the OS does not say. */
  readonly waitMs: number | undefined;
}

export interface ThreadClock {
  /** Which clock: 'schedstat' or 'threadCpuUsage'. */
  readonly source: string;
  read(): ThreadClocks | undefined;
  close(): void;
}

/** Parses "<cpu ns> <wait ns> <timeslices>". */
export function parseSchedstat(text: string): ThreadClocks | undefined {
  const [cpu, wait] = text.trim().split(/\s+/, 2).map(Number);
  if (!Number.isFinite(cpu) || !Number.isFinite(wait)) return undefined;
  return { cpuMs: cpu! / 1e6, waitMs: wait! / 1e6 };
}

/** parseSchedstat on the raw bytes, without making a string: this runs on every heartbeat. */
export function parseSchedstatBytes(buffer: Buffer, length: number): ThreadClocks | undefined {
  let field = 0;
  let cpu = 0;
  let wait = 0;
  let digits = 0;
  for (let i = 0; i < length && field < 2; i++) {
    const c = buffer[i]!;
    if (c >= 48 && c <= 57) {
      if (field === 0) cpu = cpu * 10 + (c - 48);
      else wait = wait * 10 + (c - 48);
      digits++;
    } else if (digits > 0) {
      field++;
      digits = 0;
    }
  }
  if (field < 1 || (field === 1 && digits === 0)) return undefined;
  return { cpuMs: cpu / 1e6, waitMs: wait / 1e6 };
}

function schedstat(path: string): ThreadClock | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(96);
  const read = (): ThreadClocks | undefined => {
    if (fd < 0) return undefined;
    try {
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      return parseSchedstatBytes(buffer, n);
    } catch {
      return undefined;
    }
  };
  if (!read()) {
    closeSync(fd);
    return undefined;
  }
  return {
    source: 'schedstat',
    read,
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}

type ThreadCpuUsage = () => { user: number; system: number };

/** The main thread's clock (call on the main thread), or undefined where there is none. */
export function openThreadClock(
  path = `/proc/self/task/${process.pid}/schedstat`,
): ThreadClock | undefined {
  if (process.platform === 'linux') {
    const clock = schedstat(path);
    if (clock) return clock;
  }
  const usage = (process as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;
  if (typeof usage !== 'function') return undefined;
  return {
    source: 'threadCpuUsage',
    read() {
      const u = usage.call(process);
      return { cpuMs: (u.user + u.system) / 1000, waitMs: undefined };
    },
    close() {},
  };
}
