/**
 * GET /healthz: the process serves requests. GET /readyz: it accepts
 * exports (503 once shutdown has begun, so load balancers move away).
 */
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';

export function health(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', (_request, reply) => {
    if (ctx.ingest.gate.draining) return reply.code(503).send({ status: 'shutting down' });
    return {
      status: 'ready',
      senders: ctx.store.senderCount,
      series: ctx.store.seriesCount,
    };
  });
  return Promise.resolve();
}
