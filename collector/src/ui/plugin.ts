import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import { apiRoutes } from '../api/routes.js';
import { History } from '../history/history.js';
import { uiRoutes } from './routes.js';

/**
 * The embedded default: a bounded history fed by every accepted export, the
 * JSON API over it, and the live web UI at `/`.
 */
export async function liveUi(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  const history = new History({ maxInstances: ctx.config.historyInstances });
  const unsubscribe = ctx.store.subscribe(history.listener);
  app.addHook('onClose', (_app, done) => {
    unsubscribe();
    done();
  });
  await app.register(apiRoutes, { history });
  await app.register(uiRoutes);
}
