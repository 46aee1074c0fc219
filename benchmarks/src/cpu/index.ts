/** Entry points of benchmarks 1 (idle CPU) and 4 (memory). */
import { startCollectorHost } from '../collector-host.js';
import type { Report } from '../report.js';
import { ARMS, MEMORY_ARMS } from './arms.js';
import { runIdle } from './idle-bench.js';
import { cpuReport, memoryReport } from './idle-report.js';

export interface IdleSettings {
  readonly quick: boolean;
  readonly rounds?: number;
}

/** Every arm; reports CPU and, from the same runs, memory. */
export async function cpuAndMemory(s: IdleSettings): Promise<Report[]> {
  const windowMs = s.quick ? 2000 : 20_000;
  // Long enough for start-up's one-off work (V8's memory-reducer GCs ~8 s after it) to be over.
  const warmupMs = s.quick ? 1500 : 15_000;
  const collector = await startCollectorHost();
  try {
    const runs = await runIdle(collector, {
      rounds: s.rounds ?? (s.quick ? 1 : 3),
      warmupMs,
      windowMs,
      arms: ARMS,
    });
    return [cpuReport(runs, warmupMs, windowMs), memoryReport(runs)];
  } finally {
    await collector.close();
  }
}

/** Memory alone: fewer arms, shorter windows. */
export async function memoryOnly(s: IdleSettings): Promise<Report> {
  const collector = await startCollectorHost();
  try {
    const runs = await runIdle(collector, {
      rounds: s.rounds ?? (s.quick ? 1 : 3),
      warmupMs: s.quick ? 1500 : 5000,
      windowMs: s.quick ? 1000 : 5000,
      arms: ARMS.filter((a) => MEMORY_ARMS.includes(a.id)),
    });
    return memoryReport(runs);
  } finally {
    await collector.close();
  }
}
