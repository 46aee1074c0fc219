/**
 * The CPU controller of this process's cgroup: its quota (limit) and
 * throttling counters. Found from /proc/self/cgroup and /proc/self/mountinfo:
 * cgroup v2 (a `0::/path` line, the unified hierarchy mounted with the `cpu`
 * controller: cpu.max, cpu.stat throttled_usec) or v1 (the hierarchy with
 * the `cpu` controller: cpu.cfs_quota_us / cpu.cfs_period_us, cpu.stat
 * throttled_time in ns). Linux only; undefined elsewhere or when no CPU
 * controller is visible. cpu.stat is read with a pread on a descriptor
 * opened once (~10 µs here).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupCpuStat {
  /** CFS periods that had runnable tasks. */
  readonly periods: number;
  /** Periods in which the quota ran out. */
  readonly throttledPeriods: number;
  /** Time throttled, ms (summed over the CPUs the cgroup's tasks were queued on). */
  readonly throttledMs: number;
}

export interface CgroupCpu {
  readonly version: 1 | 2;
  /** The cgroup's directory. */
  readonly dir: string;
  /** quota / period in CPUs, or undefined when no quota is set. */
  limit(): number | undefined;
  stat(): CgroupCpuStat | undefined;
  close(): void;
}

interface Mount {
  readonly root: string;
  readonly point: string;
  readonly version: 1 | 2;
}

/** The cgroup mounts that carry the cpu controller (v1) or the unified hierarchy (v2). */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    const root = left[3];
    const point = left[4];
    const type = right[0];
    if (root === undefined || point === undefined) continue;
    if (type === 'cgroup2') mounts.push({ root, point, version: 2 });
    else if (type === 'cgroup' && (right[2] ?? '').split(',').includes('cpu'))
      mounts.push({ root, point, version: 1 });
  }
  return mounts;
}

/** The cgroup path per hierarchy: 'v2' for `0::/path`, else each controller name. */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === '0' && match[2] === '') paths.set('v2', match[3]!);
    else for (const c of match[2]!.split(',')) paths.set(c, match[3]!);
  }
  return paths;
}

/** The path of `cgroupPath` under a mount whose root is `root`. */
function under(mount: Mount, cgroupPath: string): string {
  const rel =
    mount.root !== '/' && cgroupPath.startsWith(mount.root)
      ? cgroupPath.slice(mount.root.length)
      : cgroupPath;
  return join(mount.point, rel);
}

/** Parses cpu.stat (v1 throttled_time in ns, v2 throttled_usec in µs). */
export function parseCpuStat(text: string): CgroupCpuStat | undefined {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value !== undefined) fields.set(key, Number(value));
  }
  const periods = fields.get('nr_periods');
  const throttledPeriods = fields.get('nr_throttled');
  const usec = fields.get('throttled_usec');
  const ns = fields.get('throttled_time');
  if (periods === undefined || throttledPeriods === undefined) return undefined;
  const throttledMs = usec !== undefined ? usec / 1000 : ns !== undefined ? ns / 1e6 : undefined;
  if (throttledMs === undefined) return undefined;
  return { periods, throttledPeriods, throttledMs };
}

/** v1 quota/period ("-1" = none), v2 cpu.max ("max 100000" = none). */
export function parseLimit(version: 1 | 2, quota: string, period?: string): number | undefined {
  if (version === 2) {
    const [q, p] = quota.trim().split(/\s+/);
    if (q === 'max' || q === undefined || p === undefined) return undefined;
    const value = Number(q) / Number(p);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }
  const q = Number(quota.trim());
  const p = Number(period?.trim());
  return q > 0 && p > 0 ? q / p : undefined;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * A cgroup file read again on every call: cgroupfs makes its text anew at each
 * read, so a pread at offset 0 on a descriptor opened once sees a limit changed
 * later (`docker update`), at ~10 µs instead of readFileSync's open/fstat/read/close.
 */
interface Rereadable {
  read(): string | undefined;
  close(): void;
}

function rereadable(path: string, bytes: number): Rereadable | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(bytes);
  return {
    read() {
      if (fd < 0) return undefined;
      try {
        return buffer.toString('latin1', 0, readSync(fd, buffer, 0, bytes, 0));
      } catch {
        return undefined;
      }
    },
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}

function open(version: 1 | 2, dir: string): CgroupCpu | undefined {
  const stat = rereadable(join(dir, 'cpu.stat'), 512);
  if (!stat) return undefined;
  const limits =
    version === 2
      ? [rereadable(join(dir, 'cpu.max'), 64)]
      : [
          rereadable(join(dir, 'cpu.cfs_quota_us'), 32),
          rereadable(join(dir, 'cpu.cfs_period_us'), 32),
        ];
  return {
    version,
    dir,
    limit() {
      const [quota, period] = limits.map((f) => f?.read());
      return quota === undefined ? undefined : parseLimit(version, quota, period);
    },
    stat() {
      const text = stat.read();
      return text === undefined ? undefined : parseCpuStat(text);
    },
    close() {
      stat.close();
      for (const f of limits) f?.close();
    },
  };
}

/** This process's cgroup CPU controller, or undefined (not Linux, or none visible). */
export function openCgroupCpu(): CgroupCpu | undefined {
  if (process.platform !== 'linux') return undefined;
  const self = readText('/proc/self/cgroup');
  const mountinfo = readText('/proc/self/mountinfo');
  if (self === undefined || mountinfo === undefined) return undefined;
  const paths = parseProcCgroup(self);
  const mounts = parseMountinfo(mountinfo);
  const v1 = paths.get('cpu');
  for (const mount of mounts) {
    if (mount.version === 1 && v1 !== undefined) {
      const dir = under(mount, v1);
      if (existsSync(join(dir, 'cpu.stat'))) return open(1, dir);
    }
  }
  const v2 = paths.get('v2');
  for (const mount of mounts) {
    if (mount.version === 2 && v2 !== undefined) {
      const dir = under(mount, v2);
      // The unified hierarchy without the cpu controller (as on hybrid hosts) has no cpu.max.
      if (existsSync(join(dir, 'cpu.max'))) return open(2, dir);
    }
  }
  return undefined;
}
