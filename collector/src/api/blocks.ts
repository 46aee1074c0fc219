/**
 * GET /api/v1/blocks?job=&instance=&limit=: the stacks that blocked an
 * instance's event loop (or a whole job's, without `instance`), by total
 * stalled time, and its most recent stalls. Documented in collector/README.md.
 */
import type { FastifyPluginCallback } from 'fastify';
import { BadParameter } from './params.js';
import { badGateway, badRequest } from './replies.js';
import { DEFAULT_HISTORY } from '../history/bounds.js';
import { QueryError, type PromQueryClient } from '../query/client.js';
import { readBlockTotals, type BlockTotals } from '../query/blocks.js';
import type { BlockFrame } from '../otlp/block-model.js';
import { parseBlocksQuery } from './blocks-query.js';
import { addStallTotals } from '../store/stall-totals.js';
import type { BlockStore, InstanceView, StackStats, StoredEvent } from '../store/blocks.js';

export interface BlocksStack {
  readonly fingerprint: string;
  /** Stalls with this stack. */
  readonly count: number;
  /** Their summed duration, ms. */
  readonly totalMs: number;
  readonly maxMs: number;
  /** Start of the latest, ms since the epoch. */
  readonly lastMs: number;
  /** Instances it was seen on. */
  readonly instances: readonly string[];
  /** Innermost first. */
  readonly frames: readonly BlockFrame[];
}

export interface BlocksResponse {
  readonly job: string;
  /** null: every instance of the job. */
  readonly instance: string | null;
  /** Collector time of the answer, ms since the epoch. */
  readonly now: number;
  /** Instances with stored stalls. */
  readonly instances: readonly string[];
  /** Top stacks by total stalled time (at most `limit`). */
  readonly stacks: readonly BlocksStack[];
  /** Newest first (at most `limit`). */
  readonly recent: readonly StoredEvent[];
}

function mergeStacks(views: readonly InstanceView[]): BlocksStack[] {
  const merged = new Map<string, StackStats & { instances: string[] }>();
  for (const view of views) {
    for (const s of view.stacks) {
      const m = merged.get(s.fingerprint);
      if (!m) {
        merged.set(s.fingerprint, { ...s, instances: [view.instance] });
        continue;
      }
      if (addStallTotals(m, s)) m.frames = s.frames;
      m.instances.push(view.instance);
    }
  }
  return [...merged.values()].sort((a, b) => b.totalMs - a.totalMs);
}

export function blocksView(
  store: BlockStore,
  job: string,
  instance: string | undefined,
  limit: number,
  nowMs: number,
): BlocksResponse {
  const views = store.select(job, instance, nowMs);
  const recent = views
    .flatMap((v) => v.recent)
    .sort((a, b) => b.timeMs - a.timeMs)
    .slice(0, limit);
  return {
    job,
    instance: instance ?? null,
    now: nowMs,
    instances: views.map((v) => v.instance),
    stacks: mergeStacks(views).slice(0, limit),
    recent,
  };
}

/** What /api/v1/blocks adds to the view: whose stacks these are, and the database's totals. */
export interface BlocksReplica {
  /** The collector replica that received these stalls (--replica-name). */
  readonly replica: string;
  /** true with --query-url: other replicas hold the stalls their agents sent them. */
  readonly perReplica: boolean;
  /** Counts and durations of every stall, from the database; null without --query-url. */
  readonly database: BlockTotals | null;
}

export interface BlocksApiOptions {
  readonly store: BlockStore;
  readonly replica: string;
  readonly query: PromQueryClient | undefined;
}

export const blocksApi: FastifyPluginCallback<BlocksApiOptions> = (
  app,
  { store, replica, query },
  done,
) => {
  app.get('/api/v1/blocks', async (req, reply) => {
    try {
      const { job, instance, limit } = parseBlocksQuery(req.query as Record<string, unknown>);
      const now = Date.now();
      const database = query
        ? await readBlockTotals(query, job, instance, DEFAULT_HISTORY.windowMs, now)
        : null;
      const body: BlocksResponse & BlocksReplica = {
        ...blocksView(store, job, instance, limit, now),
        replica,
        perReplica: query !== undefined,
        database,
      };
      return body;
    } catch (err) {
      if (err instanceof QueryError) {
        return badGateway(reply, err);
      }
      if (!(err instanceof BadParameter)) throw err;
      return badRequest(reply, err);
    }
  });
  done();
};
