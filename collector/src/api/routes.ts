import type { FastifyPluginCallback } from 'fastify';
import type { ServiceSummary } from '../history/history.js';
import type { Column } from '../history/chart-series.js';
import { QueryError } from '../query/client.js';
import { BadParameter } from './params.js';
import { badGateway, badRequest } from './replies.js';
import { parseSeriesQuery } from './series-query.js';
import type { FleetReader } from './reader.js';

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
  readonly reader: FleetReader;
}

/** The JSON API behind the UI (documented in collector/README.md, section API). */
export const apiRoutes: FastifyPluginCallback<ApiOptions> = (app, { reader }, done) => {
  app.get('/api/v1/instances', async (_req, reply) => {
    const now = Date.now();
    try {
      const fleet = await reader.fleet(now);
      const body: InstancesResponse = { now, ...fleet };
      return body;
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      return badGateway(reply, err);
    }
  });

  app.get('/api/v1/series', async (req, reply) => {
    let query;
    try {
      query = parseSeriesQuery(req.query as Record<string, unknown>, Date.now(), reader.windowMs);
    } catch (err) {
      if (!(err instanceof BadParameter)) throw err;
      return badRequest(reply, err);
    }
    const { job, instance, metric, fromMs, toMs } = query;
    let view;
    try {
      view = await reader.series(query);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      return badGateway(reply, err);
    }
    if (!view) {
      return reply.code(404).send({
        statusCode: 404,
        error: 'Not Found',
        message: `no instance ${JSON.stringify(instance)} of job ${JSON.stringify(job)} has exported in the last ${reader.windowMs / 1000} s`,
      });
    }
    const body: SeriesResponse = { job, instance, metric, from: fromMs, to: toMs, ...view };
    return body;
  });
  done();
};
