/**
 * Busy-loop events grouped by their hottest stack's fingerprint: one
 * definition for the collector's `/api/v1/busy` and for loopscope-analyze,
 * which groups the events of a run's window the same way (exported as
 * `@loopscope/collector/busy-culprits`).
 */
import type { BlockFrame } from '@loopscope/agent/names';
import type { StoredBusyEvent } from './busy.js';

/** One hottest stack, summed over the busy-loop events it topped. */
export interface BusyCulprit {
  readonly fingerprint: string;
  readonly label: string;
  /** The caller in the latest event that named one. */
  readonly caller: string | null;
  /** Busy-loop events it was the hottest stack of. */
  readonly count: number;
  /** Their summed busy time, ms. */
  readonly totalMs: number;
  readonly maxUtilization: number;
  /** Stack samples those events took, and how many of them were this stack. */
  readonly samples: number;
  readonly hottestSamples: number;
  /** Start of the latest, ms since the epoch. */
  readonly lastMs: number;
  readonly instances: readonly string[];
  /** Innermost first (of the latest event). */
  readonly frames: readonly BlockFrame[];
}

/** The fields of a stored event the grouping reads. */
export type BusyEventFields = Pick<
  StoredBusyEvent,
  | 'timeMs'
  | 'durationMs'
  | 'utilization'
  | 'fingerprint'
  | 'label'
  | 'caller'
  | 'samples'
  | 'hottestSamples'
  | 'instance'
  | 'frames'
>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `events` newest first; the culprits by total busy time. */
export function busyCulprits(events: readonly BusyEventFields[]): BusyCulprit[] {
  const byPrint = new Map<string, Mutable<BusyCulprit> & { instances: string[] }>();
  // Newest first: the first event seen of a fingerprint is its latest.
  for (const e of events) {
    const c = byPrint.get(e.fingerprint);
    if (!c) {
      byPrint.set(e.fingerprint, {
        fingerprint: e.fingerprint,
        label: e.label,
        caller: e.caller ?? null,
        count: 1,
        totalMs: e.durationMs,
        maxUtilization: e.utilization,
        samples: e.samples,
        hottestSamples: e.hottestSamples,
        lastMs: e.timeMs,
        instances: [e.instance],
        frames: e.frames,
      });
      continue;
    }
    c.count++;
    c.totalMs += e.durationMs;
    c.maxUtilization = Math.max(c.maxUtilization, e.utilization);
    c.samples += e.samples;
    c.hottestSamples += e.hottestSamples;
    c.caller ??= e.caller ?? null;
    if (!c.instances.includes(e.instance)) c.instances.push(e.instance);
  }
  return [...byPrint.values()].sort((a, b) => b.totalMs - a.totalMs);
}
