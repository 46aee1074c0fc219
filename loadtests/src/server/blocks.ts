import type { BLOCKS_MAX_LIMIT, BlockFrame, BlocksStack, StoredEvent } from '@loopscope/collector';
import { addStallTotals, stallTotalsOf } from '@loopscope/collector/stall-totals';
import type { BlockingStack } from './source.js';
import {
  addCauseMs,
  addEventAnatomy,
  causeMsOf,
  emptyStackAnatomy,
  noCauseMs,
  type StallTime,
} from './stall-causes.js';

/**
 * The parts of the collector's `GET /api/v1/blocks` answer this reader uses,
 * picked from the collector's own types so an API change fails to compile here.
 */
export interface BlocksBody {
  readonly stacks: readonly Pick<
    BlocksStack,
    'fingerprint' | 'count' | 'totalMs' | 'maxMs' | 'instances' | 'frames'
  >[];
  readonly recent: readonly Pick<
    StoredEvent,
    'timeMs' | 'durationMs' | 'fingerprint' | 'instance' | 'frames' | 'anatomy'
  >[];
}
/**
 * The most events one request returns: the collector's limit, checked at
 * compile time (a type import keeps the collector's modules out of the CLI's start-up).
 */
export const BLOCKS_LIMIT: typeof BLOCKS_MAX_LIMIT = 100;

const frameText = (f: BlockFrame) =>
  `${f.function || '(anonymous)'} ${f.file}${f.line > 0 ? `:${f.line}:${f.column}` : ''}`;

/**
 * The stacks that blocked the loop during the run, by total stalled time:
 * the collector's recent stalls that began inside the window, grouped by
 * fingerprint. When the run had more stalls than one answer holds, the
 * collector's own totals (over all it keeps) are used instead, and said so.
 */
export function stacksInWindow(
  body: BlocksBody,
  fromMs: number,
  toMs: number,
): { stacks: BlockingStack[]; warning?: string; stallTime?: StallTime } {
  const inWindow = body.recent.filter((e) => e.timeMs >= fromMs && e.timeMs <= toMs);
  // Stall anatomy by stack, from the captured stalls in the window (the totals carry none).
  const anatomyBy = new Map<string, NonNullable<BlockingStack['anatomy']>>();
  const captured = noCauseMs();
  for (const e of inWindow) {
    if (!e.anatomy) continue;
    let a = anatomyBy.get(e.fingerprint);
    if (!a) anatomyBy.set(e.fingerprint, (a = emptyStackAnatomy()));
    addEventAnatomy(a, e.anatomy);
    addCauseMs(captured, causeMsOf(e.anatomy));
  }
  const measured = [...anatomyBy.values()].reduce((n, a) => n + a.measured, 0);
  const stallTime: StallTime | undefined =
    measured > 0 ? { byCause: captured, from: 'captured', stalls: measured } : undefined;
  const withAnatomy = (s: BlockingStack): BlockingStack => {
    const a = anatomyBy.get(s.fingerprint);
    return a ? { ...s, anatomy: a } : s;
  };
  const oldest = body.recent.at(-1);
  if (body.recent.length >= BLOCKS_LIMIT && oldest && oldest.timeMs >= fromMs) {
    return {
      stacks: body.stacks.map((s) =>
        withAnatomy({
          fingerprint: s.fingerprint,
          count: s.count,
          totalMs: s.totalMs,
          maxMs: s.maxMs,
          frames: s.frames.map(frameText),
          ...(s.instances.length === 1 ? { instance: s.instances[0] } : {}),
        }),
      ),
      warning: `more than ${BLOCKS_LIMIT} stalls during the run: blocking stacks are counted over everything the collector keeps (their anatomy over the last ${BLOCKS_LIMIT})`,
      ...(stallTime ? { stallTime } : {}),
    };
  }
  const byPrint = new Map<string, BlockingStack>();
  for (const e of inWindow) {
    const s = byPrint.get(e.fingerprint);
    if (s) {
      addStallTotals(s, stallTotalsOf(e));
      if (s.instance !== e.instance) delete s.instance;
    } else {
      byPrint.set(e.fingerprint, {
        fingerprint: e.fingerprint,
        count: 1,
        totalMs: e.durationMs,
        maxMs: e.durationMs,
        frames: e.frames.map(frameText),
        instance: e.instance,
      });
    }
  }
  return {
    stacks: [...byPrint.values()].map(withAnatomy).sort((a, z) => z.totalMs - a.totalMs),
    ...(stallTime ? { stallTime } : {}),
  };
}
