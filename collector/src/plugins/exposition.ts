/** GET /metrics: the store and the collector's own metrics for Prometheus. */
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  renderStore,
  TEXT_CONTENT_TYPE,
} from '../prometheus/exposition.js';

/** OpenMetrics only when the scraper asks for it, as Prometheus does with its Accept header. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return (accept ?? '').includes('application/openmetrics-text');
}

export function exposition(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    const openMetrics = wantsOpenMetrics(request.headers.accept);
    // A pure remote-write gateway keeps no series to show, only its own metrics.
    const series = ctx.config.scrapeEndpoint ? renderStore(ctx.store, openMetrics) : '';
    const body = series + (await ctx.selfMetrics.render(openMetrics));
    return reply
      .header('content-type', openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE)
      .send(body);
  });
  return Promise.resolve();
}
