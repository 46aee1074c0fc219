/** Block events' log exporter, loaded on the first event, over real HTTP in both protocols. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { resolveOptions } from '../../src/options.js';
import { createBlockLogsProvider } from '../../src/watchdog/logs-export.js';
import { LazyLogExporter, exporterLoading } from '../../src/export/lazy-log-exporter.js';

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`${protocol}: a block event reaches /v1/logs with the configured headers`, async (t) => {
    const received: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const options = resolveOptions(
      {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        protocol,
        headers: { 'x-key': 'k1' },
      },
      {},
    );
    const provider = createBlockLogsProvider(options, resourceFromAttributes({}))!;
    t.after(() => provider.shutdown());
    provider
      .getLogger('test')
      .emit({ body: 'stall-event-body-7f3a', eventName: 'loopscope.block' });
    await provider.forceFlush();
    assert.equal(received.length, 1);
    const [event] = received;
    assert.equal(event!.url, '/v1/logs');
    assert.equal(event!.headers['x-key'], 'k1');
    assert.equal(
      event!.headers['content-type'],
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    );
    assert.ok(event!.body.includes('stall-event-body-7f3a'));
    if (protocol === 'http/json') {
      const json = JSON.parse(event!.body.toString()) as { resourceLogs: unknown[] };
      assert.equal(json.resourceLogs.length, 1);
    }
  });
}

test('exporterLoading() is true only while the exporter modules load (busy-loop samples then are the agent’s)', async () => {
  const exporter = new LazyLogExporter('http/protobuf', {
    url: 'http://127.0.0.1:9/v1/logs',
    headers: {},
    timeoutMillis: 200,
  });
  assert.equal(exporterLoading(), false);
  const flushed = exporter.forceFlush();
  assert.equal(exporterLoading(), false, 'nothing loads before the first export');
  await flushed;
  const result = new Promise((done) => exporter.export([], done));
  assert.equal(exporterLoading(), true, 'loading from the first export on');
  await result;
  assert.equal(exporterLoading(), false, 'loaded');
  await exporter.shutdown();
});
