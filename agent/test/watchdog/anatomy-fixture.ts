/**
 * Runs the anatomy fixture app in a child process, through a shell that
 * puts it where the test wants it: its own session with the highest CPU
 * priority (so that a neighbour on the shared machine cannot turn a JS or
 * syscall stall into a starved one: the cause under test is the one the
 * test creates), pinned to one CPU beside busy loops, or inside a cgroup
 * with a CPU quota. Needs root for the priority and the cgroup; without it
 * the test fails with one line saying so.
 */
import { fileURLToPath } from 'node:url';
import { startProcess } from '@loopscope/testkit';
import { BLOCK_EVENT } from '../../src/names.js';

export const APP = fileURLToPath(new URL('../fixtures/anatomy/app.js', import.meta.url));
const A = BLOCK_EVENT.attributes;

export interface AnatomyEvent {
  attributes: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
}

export interface AnatomyResult {
  events: AnatomyEvent[];
  stalls: number[];
  before: Record<string, number>;
  after: Record<string, number>;
  holds?: number;
  span?: { traceId: string; spanId: string };
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the stall-anatomy tests need root (CPU priority, taskset, cgroups): run npm test as root, as CI does',
    );
  }
}

/** Highest CPU priority for the app's own session: autogroup nice -20 and nice -20. */
export const PRIORITY = 'echo -20 > /proc/$$/autogroup 2>/dev/null; exec nice -n -20 "$0" "$@"';

export async function runAnatomy(
  scenario: string,
  {
    count = 2,
    nodeArgs = [],
    shell = PRIORITY,
    env = {},
    timeoutMs = 60_000,
  }: {
    count?: number;
    nodeArgs?: string[];
    shell?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  } = {},
): Promise<AnatomyResult> {
  const child = startProcess(
    'setsid',
    ['sh', '-c', shell, process.execPath, ...nodeArgs, APP, scenario, String(count)],
    { env },
  );
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const code = await child.exited().finally(() => clearTimeout(timer));
  const line = child
    .stdout()
    .split('\n')
    .find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) {
    throw new Error(`fixture failed (exit ${code}):\n${child.stdout()}\n${child.stderr()}`);
  }
  return JSON.parse(line.slice(7)) as AnatomyResult;
}

export interface Shares {
  duration: number;
  cpu: number;
  gc: number;
  cpuWait: number;
  throttled: number;
  offCpu: number;
  cause: string;
}

export function sharesOf(e: AnatomyEvent): Shares {
  const n = (k: string): number => e.attributes[k] as number;
  return {
    duration: n(A.durationMs),
    cpu: n(A.cpuMs),
    gc: n(A.gcMs),
    cpuWait: n(A.cpuWaitMs),
    throttled: n(A.throttledMs),
    offCpu: n(A.offCpuMs),
    cause: e.attributes[A.cause] as string,
  };
}

export const describeShares = (s: Shares): string =>
  `${s.duration.toFixed(0)} ms: cpu ${s.cpu.toFixed(0)} (gc ${s.gc.toFixed(0)}), wait ${s.cpuWait.toFixed(0)} (throttled ${s.throttled.toFixed(0)}), off ${s.offCpu.toFixed(0)} -> ${s.cause}`;
