/**
 * CPU pinning with taskset: the server under test on one core, the load
 * generator (and this harness) on the other, so they do not take turns on
 * the same core. On a one-core machine nothing is pinned.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Cores {
  /** For the measured server (taskset -c), or undefined: not pinned. */
  readonly server: string | undefined;
  /** For the load generator and the harness. */
  readonly load: string | undefined;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function pickCores(): Cores {
  if (availableParallelism() < 2 || !hasTaskset()) return { server: undefined, load: undefined };
  return { server: '0', load: '1' };
}

/** Pins every thread of this process to `cpus`; returns the function restoring all CPUs. */
export function pinSelf(cpus: string | undefined): () => void {
  if (cpus === undefined) return () => {};
  const all = `0-${availableParallelism() - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  return () =>
    execFileSync('taskset', ['-a', '-p', '-c', all, String(process.pid)], { stdio: 'ignore' });
}
