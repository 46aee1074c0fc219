/** What the figures were measured on, printed with every report. */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  readonly loadavg: readonly number[];
  readonly date: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, load average ${m.loadavg.join(' ')}, ${m.date}`;
}
