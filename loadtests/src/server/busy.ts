import type { BlockFrame } from '@loopscope/collector';
import { busyCulprits, type BusyEventFields } from '@loopscope/collector/busy-culprits';
import { BLOCKS_LIMIT } from './blocks.js';
import type { BusyLoop } from './source.js';

/**
 * The parts of the collector's `GET /api/v1/busy` answer this reader uses,
 * picked from the collector's own types so an API change fails to compile here.
 */
export interface BusyBody {
  readonly recent: readonly BusyEventFields[];
}

/** Most events one request asks for: the blocks API's limit (the two share their parameters). */
export const BUSY_LIMIT = BLOCKS_LIMIT;

const frameText = (f: BlockFrame) =>
  `${f.function || '(anonymous)'} ${f.file}${f.line > 0 ? `:${f.line}:${f.column}` : ''}`;

/**
 * What kept the loop busy during the run without a stall over the threshold:
 * the collector's busy-loop events that began inside the window, grouped by
 * the hottest stack's fingerprint (the collector's own grouping), by total busy time.
 */
export function busyInWindow(body: BusyBody, fromMs: number, toMs: number): BusyLoop[] {
  const inWindow = body.recent.filter((e) => e.timeMs >= fromMs && e.timeMs <= toMs);
  return busyCulprits(inWindow).map((c) => ({
    fingerprint: c.fingerprint,
    label: c.label,
    caller: c.caller,
    count: c.count,
    totalMs: c.totalMs,
    maxUtilization: c.maxUtilization,
    samples: c.samples,
    hottestSamples: c.hottestSamples,
    frames: c.frames.map(frameText),
    ...(c.instances.length === 1 ? { instance: c.instances[0] } : {}),
  }));
}
