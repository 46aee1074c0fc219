import type { BlockFrame, BusyResponse } from '@loopscope/collector';
import { BLOCKS_LIMIT } from './blocks.js';
import type { BusyLoop } from './source.js';

/**
 * The parts of the collector's `GET /api/v1/busy` answer this reader uses,
 * picked from the collector's own types so an API change fails to compile here.
 */
export interface BusyBody {
  readonly recent: readonly Pick<
    BusyResponse['recent'][number],
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
  >[];
}

/** Most events one request asks for: the blocks API's limit (the two share their parameters). */
export const BUSY_LIMIT = BLOCKS_LIMIT;

const frameText = (f: BlockFrame) =>
  `${f.function || '(anonymous)'} ${f.file}${f.line > 0 ? `:${f.line}:${f.column}` : ''}`;

/**
 * What kept the loop busy during the run without a stall over the threshold:
 * the collector's busy-loop events that began inside the window, grouped by
 * the hottest stack's fingerprint, by total busy time.
 */
export function busyInWindow(body: BusyBody, fromMs: number, toMs: number): BusyLoop[] {
  const byPrint = new Map<string, BusyLoop>();
  for (const e of body.recent) {
    if (e.timeMs < fromMs || e.timeMs > toMs) continue;
    const b = byPrint.get(e.fingerprint);
    if (b) {
      b.count++;
      b.totalMs += e.durationMs;
      b.maxUtilization = Math.max(b.maxUtilization, e.utilization);
      b.samples += e.samples;
      b.hottestSamples += e.hottestSamples;
      b.caller ??= e.caller ?? null;
      if (b.instance !== e.instance) delete b.instance;
      continue;
    }
    byPrint.set(e.fingerprint, {
      fingerprint: e.fingerprint,
      label: e.label,
      caller: e.caller ?? null,
      count: 1,
      totalMs: e.durationMs,
      maxUtilization: e.utilization,
      samples: e.samples,
      hottestSamples: e.hottestSamples,
      frames: e.frames.map(frameText),
      instance: e.instance,
    });
  }
  return [...byPrint.values()].sort((a, z) => z.totalMs - a.totalMs);
}
