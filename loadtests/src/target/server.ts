import { pbkdf2 } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { HandleLeak } from './leak.js';
import { LIMITS, type Limits } from './limits.js';

const pbkdf2Async = promisify(pbkdf2);
const ownFile = fileURLToPath(import.meta.url);

/** Burns CPU on the main thread: nothing else runs on this loop meanwhile. */
function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy wait on purpose
  }
}

const intParam = (name: string, minimum: number, maximum: number, fallback: number) => ({
  type: 'object',
  properties: { [name]: { type: 'integer', minimum, maximum, default: fallback } },
});

/**
 * The load-test target: one endpoint per behaviour of Node's model, so each
 * loopscope signal can be driven on purpose. Every input is validated and
 * capped; a bad one gets a 400 naming the parameter.
 */
export function buildTarget(limits: Limits = LIMITS): FastifyInstance {
  const app = Fastify({ logger: false });
  const leak = new HandleLeak();
  app.addHook('onClose', () => leak.close());

  app.get('/ok', () => ({ ok: true }));

  app.get<{ Querystring: { ms: number } }>(
    '/block',
    { schema: { querystring: intParam('ms', 0, limits.blockMs, 100) } },
    (req) => {
      const start = performance.now();
      blockFor(req.query.ms);
      return { blockedMs: Math.round(performance.now() - start) };
    },
  );

  app.get<{ Querystring: { iterations: number } }>(
    '/pbkdf2',
    { schema: { querystring: intParam('iterations', 1, limits.pbkdf2Iterations, 100_000) } },
    async (req) => {
      const start = performance.now();
      await pbkdf2Async('loopscope', 'salt', req.query.iterations, 32, 'sha256');
      return { iterations: req.query.iterations, ms: Math.round(performance.now() - start) };
    },
  );

  app.get('/fs', async () => ({ bytes: (await readFile(ownFile)).length }));

  app.get('/dns', async () => ({ address: (await lookup('localhost')).address }));

  app.get<{ Querystring: { n: number } }>(
    '/leak',
    { schema: { querystring: intParam('n', 1, limits.leakPerRequest, 10) } },
    async (req, reply) => {
      const { n } = req.query;
      if (leak.open + n > limits.leakTotal) {
        return reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message: `n: ${n} more would exceed the cap of ${limits.leakTotal} leaked connections (${leak.open} open); call /leak/release first`,
        });
      }
      await leak.leak(n);
      return { opened: n, open: leak.open };
    },
  );

  app.get('/leak/release', () => ({ released: leak.release(), open: leak.open }));

  return app;
}
