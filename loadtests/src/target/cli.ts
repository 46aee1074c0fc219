#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { buildTarget } from './server.js';
import { LIMITS } from './limits.js';
import { LOADTESTS_ERRORS, printError, type LoadtestsErrorCode } from '../errors.js';

const HELP = `Usage: loopscope-target [--port N] [--host H]

The loopscope load-test target: a Fastify service with one endpoint per
behaviour of Node's event loop. Run it with the agent to watch each signal:

  node --import @loopscope/agent/register loadtests/dist/src/target/cli.js

Endpoints:
  GET /ok                    answers at once
  GET /block?ms=N            blocks the event loop synchronously (0..${LIMITS.blockMs} ms)
  GET /pbkdf2?iterations=N   pbkdf2 on the libuv thread pool (1..${LIMITS.pbkdf2Iterations})
  GET /fs                    reads a file (thread pool)
  GET /dns                   looks up localhost (getaddrinfo on the thread pool)
  GET /leak?n=N              opens N connections that stay open (1..${LIMITS.leakPerRequest}, ${LIMITS.leakTotal} in all)
  GET /leak/release          closes every leaked connection

Options:
  -p, --port N   port to listen on (default: $PORT or 3000; 0 picks a free port)
      --host H   address to bind (default: $HOST or 127.0.0.1)
  -h, --help     show this help
`;

function fail(message: string, code: LoadtestsErrorCode = 'LOOPSCOPE_TARGET_USAGE'): never {
  printError('loopscope-target', code, `${message}\nTry --help.`);
  process.exit(LOADTESTS_ERRORS[code].exit);
}

function parse(): { port: number; host: string } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const rawPort = values.port ?? process.env.PORT ?? '3000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) {
    fail(`--port must be an integer from 0 to 65535, got "${rawPort}"`);
  }
  return { port, host: values.host ?? process.env.HOST ?? '127.0.0.1' };
}

const { port, host } = parse();
const app = buildTarget();
try {
  const url = await app.listen({ port, host });
  process.stdout.write(`loopscope target listening on ${url}\n`);
} catch (err) {
  fail(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 'LOOPSCOPE_TARGET_LISTEN');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Leaked sockets would keep the loop alive; close() releases them.
    void app.close().then(() => process.exit(0));
  });
}
