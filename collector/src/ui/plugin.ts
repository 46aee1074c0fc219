import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import { apiRoutes } from '../api/routes.js';
import { historyReader, type FleetReader } from '../api/reader.js';
import { History } from '../history/history.js';
import { DEFAULT_HISTORY } from '../history/bounds.js';
import { databaseReader } from '../query/reader.js';
import { uiRoutes } from './routes.js';

/**
 * The embedded default: a bounded history fed by every accepted export, the
 * JSON API over it, and the live web UI at `/`. With --query-url the API
 * reads the database instead and no history is kept.
 */
export async function liveUi(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  let reader: FleetReader;
  if (ctx.query) {
    reader = databaseReader(ctx.query, {
      ...DEFAULT_HISTORY,
      maxInstances: ctx.config.historyInstances,
    });
  } else {
    const history = new History({ maxInstances: ctx.config.historyInstances });
    const unsubscribe = ctx.store.subscribe(history.listener);
    app.addHook('onClose', (_app, done) => {
      unsubscribe();
      done();
    });
    reader = historyReader(history);
  }
  await app.register(apiRoutes, { reader });
  await app.register(uiRoutes, { source: reader.source, replica: ctx.replica });
}
