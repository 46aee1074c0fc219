import type { FastifyPluginCallback } from 'fastify';
import type { History, ServiceSummary } from '../history/history.js';
import { SERIES, type Column } from '../history/series.js';
import { BadParameter, parseSeriesQuery } from './query.js';

export interface InstancesResponse {
  /** Collector time of the answer, ms since the epoch. */
  readonly now: number;
  readonly windowMs: number;
  readonly rankWindowMs: number;
  /** Most instances the history tracks (--history-instances). */
  readonly maxInstances: number;
  /** Instances heard from within the window but not tracked: the history is full of live ones. */
  readonly untrackedInstances: number;
  readonly services: readonly ServiceSummary[];
}

export interface SeriesResponse {
  readonly job: string;
  readonly instance: string;
  readonly metric: string;
  /** Unit of every value (UCUM: `s`, `By`, `1`, `{request}`...). */
  readonly unit: string;
  readonly from: number;
  readonly to: number;
  /** Collector receive time of each export, ms since the epoch. */
  readonly t: readonly number[];
  readonly series: readonly Column[];
}

export interface ApiOptions {
  readonly history: History;
}

/** The JSON API behind the UI (documented in collector/README.md, section API). */
export const apiRoutes: FastifyPluginCallback<ApiOptions> = (app, { history }, done) => {
  app.get('/api/v1/instances', (): InstancesResponse => {
    const now = Date.now();
    return {
      now,
      windowMs: history.options.windowMs,
      rankWindowMs: history.options.rankWindowMs,
      maxInstances: history.options.maxInstances,
      untrackedInstances: history.untrackedCount(now),
      services: history.services(now),
    };
  });

  app.get('/api/v1/series', (req, reply) => {
    let query;
    try {
      query = parseSeriesQuery(
        req.query as Record<string, unknown>,
        Date.now(),
        history.options.windowMs,
      );
    } catch (err) {
      if (!(err instanceof BadParameter)) throw err;
      return reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        parameter: err.parameter,
        message: err.message,
      });
    }
    const { job, instance, metric, fromMs, toMs } = query;
    const samples = history.samples(job, instance, fromMs, toMs);
    if (!samples) {
      return reply.code(404).send({
        statusCode: 404,
        error: 'Not Found',
        message: `no instance ${JSON.stringify(instance)} of job ${JSON.stringify(job)} has exported in the last ${history.options.windowMs / 1000} s`,
      });
    }
    const def = SERIES[metric];
    const body: SeriesResponse = {
      job,
      instance,
      metric,
      unit: def?.unit ?? '',
      from: fromMs,
      to: toMs,
      t: samples.map((s) => s.t),
      series: def?.columns(samples) ?? [],
    };
    return body;
  });
  done();
};
