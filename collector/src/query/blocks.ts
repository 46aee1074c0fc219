/**
 * Block counts and durations from the database (`--query-url`): the agents'
 * own counter and duration histogram, as every replica wrote them. The
 * stacks themselves stay in the replica that received them.
 */
import { PROM, sum } from '../promql/names.js';
import { eq, sel } from '../promql/builders.js';
import { numberOf, type PromQueryClient } from './client.js';

export interface BlockTotals {
  /** Over this window, ending now. */
  readonly windowMs: number;
  /** Stalls the agents counted, captured or not; null without data. */
  readonly blocks: number | null;
  /** Their summed duration, seconds. */
  readonly blockedSeconds: number | null;
}

export async function readBlockTotals(
  client: PromQueryClient,
  job: string,
  instance: string | undefined,
  windowMs: number,
  nowMs: number,
): Promise<BlockTotals> {
  const m = [eq('job', job), ...(instance === undefined ? [] : [eq('instance', instance)])];
  const w = `${Math.round(windowMs / 1000)}s`;
  const [blocks, seconds] = await Promise.all([
    client.query(`sum(increase(${sel(PROM.eventloopBlocks, ...m)}[${w}]))`, nowMs / 1000),
    client.query(
      `sum(increase(${sel(sum(PROM.eventloopBlockDuration), ...m)}[${w}]))`,
      nowMs / 1000,
    ),
  ]);
  return {
    windowMs,
    blocks: numberOf(blocks[0]?.value?.[1]),
    blockedSeconds: numberOf(seconds[0]?.value?.[1]),
  };
}
