/**
 * GET /api/v1/busy?job=&instance=&limit=: what kept an instance's event loop
 * (or a whole job's, without `instance`) busy without one stall long enough
 * to be a block: the culprits by total busy time, and the most recent
 * busy-loop events. Same parameters as /api/v1/blocks. Documented in
 * collector/README.md.
 */
import type { FastifyPluginCallback } from 'fastify';
import type { BlockFrame } from '@loopscope/agent/names';
import { BadParameter } from './params.js';
import { badRequest } from './replies.js';
import { parseBlocksQuery } from './blocks-query.js';
import type { BusyStore, StoredBusyEvent } from '../store/busy.js';

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
  /** Start of the latest, ms since the epoch. */
  readonly lastMs: number;
  readonly instances: readonly string[];
  /** Innermost first (of the latest event). */
  readonly frames: readonly BlockFrame[];
}

export interface BusyResponse {
  readonly job: string;
  /** null: every instance of the job. */
  readonly instance: string | null;
  /** Collector time of the answer, ms since the epoch. */
  readonly now: number;
  /** Instances with stored busy-loop events. */
  readonly instances: readonly string[];
  /** By total busy time (at most `limit`). */
  readonly culprits: readonly BusyCulprit[];
  /** Newest first (at most `limit`). */
  readonly recent: readonly StoredBusyEvent[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function culpritsOf(events: readonly StoredBusyEvent[]): BusyCulprit[] {
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
        lastMs: e.timeMs,
        instances: [e.instance],
        frames: e.frames,
      });
      continue;
    }
    c.count++;
    c.totalMs += e.durationMs;
    c.maxUtilization = Math.max(c.maxUtilization, e.utilization);
    c.caller ??= e.caller ?? null;
    if (!c.instances.includes(e.instance)) c.instances.push(e.instance);
  }
  return [...byPrint.values()].sort((a, b) => b.totalMs - a.totalMs);
}

export function busyView(
  store: BusyStore,
  job: string,
  instance: string | undefined,
  limit: number,
  nowMs: number,
): BusyResponse {
  const events = store.select(job, instance, nowMs);
  return {
    job,
    instance: instance ?? null,
    now: nowMs,
    instances: [...new Set(events.map((e) => e.instance))],
    culprits: culpritsOf(events).slice(0, limit),
    recent: events.slice(0, limit),
  };
}

export interface BusyApiOptions {
  readonly store: BusyStore;
}

export const busyApi: FastifyPluginCallback<BusyApiOptions> = (app, { store }, done) => {
  app.get('/api/v1/busy', (req, reply) => {
    try {
      const { job, instance, limit } = parseBlocksQuery(req.query as Record<string, unknown>);
      return Promise.resolve(busyView(store, job, instance, limit, Date.now()));
    } catch (err) {
      if (!(err instanceof BadParameter)) throw err;
      return badRequest(reply, err);
    }
  });
  done();
};
