import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { startPrometheus } from '../src/prometheus.js';
import { freePort } from '../src/ports.js';

test('a real Prometheus scrapes a target and keeps its labels (honor_labels)', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE testkit_probe gauge\ntestkit_probe{instance="kept"} 42\n');
  });
  server.listen(await freePort(), '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  const prom = await startPrometheus({ targets: [`127.0.0.1:${address.port}`] });
  t.after(() => prom.stop());
  await prom.waitForTargetsUp();
  const result = await prom.query('testkit_probe');
  assert.equal(result.length, 1);
  assert.equal(result[0]?.metric.instance, 'kept');
  assert.equal(result[0]?.value?.[1], '42');
  await assert.rejects(prom.query('sum('), /parse error/);
});
