/**
 * CPU time of the threads other than the main thread, read from
 * /proc/self/task/<tid>/schedstat (nanoseconds on a CPU) and grouped by
 * the thread's name (/proc/self/task/<tid>/comm). CPU-bound pool work
 * (zlib, crypto, fs) and V8's background threads show here even when the
 * pool probe slips between short jobs. Node 26 names its threads
 * (`libuv-worker`, `node-V8Worker`, ...); older lines name them all `node`.
 * Totals only grow: a thread that ends keeps what it used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ATTR, METRICS } from '../names.js';
import type { SamplerFactory } from '../sampler.js';

const TASKS = '/proc/self/task';
/** Distinct names kept apart; more (e.g. many named worker threads) are counted as `other`. */
const MAX_NAMES = 16;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The thread ended between the listing and the read.
    return undefined;
  }
}

export const threadCpu: SamplerFactory = () => {
  if (process.platform !== 'linux') return undefined;
  try {
    readdirSync(TASKS);
  } catch {
    return undefined;
  }
  const main = String(process.pid);
  /** Last reading per thread id: [name, ns]. */
  const last = new Map<string, [string, number]>();
  const totals = new Map<string, number>();

  const collectTotals = (): void => {
    const live = readdirSync(TASKS);
    for (const tid of last.keys()) if (!live.includes(tid)) last.delete(tid);
    for (const tid of live) {
      if (tid === main) continue;
      const stat = read(`${TASKS}/${tid}/schedstat`);
      if (stat === undefined) continue;
      const ns = Number(stat.split(' ')[0]);
      if (!Number.isFinite(ns)) continue;
      let seen = last.get(tid);
      if (!seen) {
        const comm = (read(`${TASKS}/${tid}/comm`) ?? 'other').trim() || 'other';
        const name = totals.has(comm) || totals.size < MAX_NAMES ? comm : 'other';
        seen = [name, 0];
        last.set(tid, seen);
      }
      // A reused thread id with a smaller count is a new thread: count all of it.
      const delta = ns >= seen[1] ? ns - seen[1] : ns;
      seen[1] = ns;
      totals.set(seen[0], (totals.get(seen[0]) ?? 0) + delta);
    }
  };

  return {
    name: 'thread-cpu',
    observes: [METRICS.threadsCpuTime],
    collect(observe) {
      collectTotals();
      for (const [name, ns] of totals)
        observe(METRICS.threadsCpuTime, ns / 1e9, { [ATTR.threadName]: name });
    },
  };
};
