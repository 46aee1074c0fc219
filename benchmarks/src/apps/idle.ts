/**
 * An otherwise idle service: an HTTP server nobody calls but the harness,
 * optionally holding open sockets. The tool under test is either preloaded
 * by the harness (`--import @loopscope/agent/register`) or started here
 * (BENCH_TOOL=prom|otel). The harness measures this process's CPU time
 * from outside (cpu/schedstat.ts), so nothing here wakes up to measure;
 * afterwards GET /memory answers with the memory after two full GCs
 * (needs --expose-gc).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envInt, envString } from './env.js';
import { READY, send } from './message.js';
import {
  startLoopscopeSdkProto,
  startOtelRuntime,
  startPromClient,
  type MetricsHandler,
} from './peers.js';
import { openSockets } from './sockets.js';

export interface IdleMemory {
  readonly heapUsed: number;
  readonly rss: number;
  readonly sockets: number;
}

const tool = envString('BENCH_TOOL', 'none');
const sockets = await openSockets(envInt('BENCH_SOCKETS', 0));
let handler: MetricsHandler | undefined;
if (tool === 'prom') handler = await startPromClient();
else if (tool === 'otel') {
  await startOtelRuntime(
    envString('BENCH_OTLP_URL', 'http://127.0.0.1:4318/v1/metrics'),
    envInt('BENCH_INTERVAL_MS', 1000),
    envString('OTEL_SERVICE_NAME', 'bench-otel'),
  );
} else if (tool === 'loopscope-sdkproto') {
  await startLoopscopeSdkProto(
    envString('BENCH_OTLP_URL', 'http://127.0.0.1:4318/v1/metrics'),
    envInt('BENCH_INTERVAL_MS', 1000),
    envString('OTEL_SERVICE_NAME', 'bench-loopscope-sdkproto'),
  );
} else if (tool !== 'none') throw new Error(`unknown BENCH_TOOL ${tool}`);

function memory(): IdleMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, sockets: sockets.count };
}

const server = createServer((req, res) => {
  if (handler && req.url === '/metrics') handler(req, res);
  else if (req.url === '/memory') res.writeHead(200).end(JSON.stringify(memory()));
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
send(READY, { port: (server.address() as AddressInfo).port, pid: process.pid });
