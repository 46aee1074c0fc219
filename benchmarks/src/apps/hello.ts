/**
 * Benchmark 3's server: Fastify hello-world, plus GET /spin?n= (a fixed
 * amount of synchronous work that reports how long it took, for the
 * watchdog's pause per capture). Agent or not is the harness's choice
 * (`--import @loopscope/agent/register`).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { READY, send } from './message.js';

/** A deterministic CPU loop of n steps; its result is returned so V8 cannot drop it. */
function spin(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = (x * 1103515245 + 12345) % 2147483648;
  return x;
}

const app = Fastify({ logger: false });
app.get('/', () => ({ hello: 'world' }));
app.get<{ Querystring: { n?: string } }>('/spin', (req, reply) => {
  const n = Number(req.query.n);
  if (!Number.isSafeInteger(n) || n < 0 || n > 1e10) {
    return reply.code(400).send({ message: 'n must be an integer from 0 to 1e10' });
  }
  const start = performance.now();
  const x = spin(n);
  return { ms: performance.now() - start, x };
});
await app.listen({ host: '127.0.0.1', port: 0 });
send(READY, { port: (app.server.address() as AddressInfo).port });
