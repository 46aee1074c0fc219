/**
 * GET /api/v1/busy?job=&instance=&limit=: what kept an instance's event loop
 * (or a whole job's, without `instance`) busy without one stall long enough
 * to be a block: the culprits by total busy time, and the most recent
 * busy-loop events. Same parameters as /api/v1/blocks. Documented in
 * collector/README.md.
 */
import type { FastifyPluginCallback } from 'fastify';
import { BadParameter } from './params.js';
import { badRequest } from './replies.js';
import { parseBlocksQuery } from './blocks-query.js';
import type { BusyStore, StoredBusyEvent } from '../store/busy.js';
import { busyCulprits, type BusyCulprit } from '../store/busy-culprits.js';

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
    culprits: busyCulprits(events).slice(0, limit),
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
