// A traced HTTP app with the agent loaded the zero-code way blocks its loop
// in a handler while two other requests are held open: the stall's anatomy,
// its request (route, trace and span ids from the OTLP record's own fields)
// and the in-flight count reach GET /api/v1/blocks over OTLP logs, in both
// protocols.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, waitFor } from '@loopscope/testkit';
import { startInProcess } from '../helpers/collector.js';
import type { BlocksResponse } from '../../src/api/blocks.js';

const REGISTER = import.meta.resolve('@loopscope/agent/register');

const APP = `
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
new NodeTracerProvider().register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const http = require('node:http');
const api = require('@opentelemetry/api');
const held = [];
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/hold')) return held.push(res);
  api.trace.getActiveSpan().setAttribute('http.route', '/orders/:id');
  const ctx = api.trace.getActiveSpan().spanContext();
  console.log('span ' + ctx.traceId + ' ' + ctx.spanId);
  const end = Date.now() + 300; while (Date.now() < end);
  res.end('ok');
  for (const r of held) r.end('ok');
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const get = (path) => http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => r.resume());
  setTimeout(() => { get('/hold/1'); get('/hold/2'); }, 800);
  setTimeout(() => get('/orders/7?token=secret'), 1100);
});
setTimeout(() => console.log('blocked'), 2000);
`;

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`a stall's anatomy and request reach the blocks API (${protocol})`, async (t) => {
    const { url } = await startInProcess(t);
    const instance = `traced-${protocol.slice(5)}`;
    const app = startNode(['--import', REGISTER, '-e', APP], {
      cwd: new URL('../../../../agent/', import.meta.url).pathname,
      env: {
        OTEL_SERVICE_NAME: 'traced',
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'true',
      },
    });
    t.after(() => app.stop('SIGKILL', 1000));
    const [, traceId, spanId] = await app.waitForOutput(/span ([0-9a-f]{32}) ([0-9a-f]{16})/);
    // The handler's stall, by its request: on a loaded machine start-up can stall past the
    // threshold too, and those stalls come first.
    const stall = await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/blocks?job=traced&instance=${instance}`);
        const body = (await res.json()) as BlocksResponse;
        return body.recent.find((r) => r.request?.path === '/orders/7') ?? false;
      },
      { what: 'the handler stall in /api/v1/blocks', timeoutMs: 30_000 },
    );
    const a = stall.anatomy;
    assert.ok(a, `anatomy: ${JSON.stringify(stall)}`);
    const sum = a.cpuMs + a.cpuWaitMs + a.offCpuMs;
    assert.ok(Math.abs(sum - stall.durationMs) <= 0.1 * stall.durationMs, JSON.stringify(a));
    // JavaScript on the CPU, or waiting for one on a crowded machine; never off the CPU.
    assert.ok(['code', 'cpu_starved'].includes(a.cause), JSON.stringify(a));
    assert.deepEqual(stall.request, {
      inFlight: 3,
      method: 'GET',
      path: '/orders/7',
      route: '/orders/:id',
      spanName: 'GET',
      traceId,
      spanId,
    });
  });
}
