/**
 * A database behind --query-url that is down, or is not a Prometheus API:
 * the JSON API answers 502 naming the problem, never a stack trace, and the
 * collector keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { freePort } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';
import { PromQueryClient, QueryError } from '../../src/query/client.js';

test('a database that is down: 502 with the reason from both API routes and the blocks route', async (t) => {
  const port = await freePort();
  const app = buildApp({
    logLevel: 'silent',
    selfMonitor: false,
    queryUrl: `http://127.0.0.1:${port}`,
  });
  t.after(() => app.close());
  for (const url of [
    '/api/v1/instances',
    '/api/v1/series?job=a&instance=b&metric=nodejs.eventloop.delay',
    '/api/v1/blocks?job=a',
  ]) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 502, url);
    const body = res.json<{ message: string }>();
    assert.match(
      body.message,
      /cannot reach the query URL http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    assert.doesNotMatch(res.body, /\n\s+at /, 'no stack trace');
  }
  // Still alive, and the page says where it reads from.
  const page = await app.inject('/');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /"source":"database"/);
});

test('a URL that is not a Prometheus API, an error answer, and an oversized answer are QueryErrors', async (t) => {
  let mode: 'html' | 'error' | 'huge' = 'html';
  const server = createServer((_req, res) => {
    if (mode === 'html')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Grafana</html>');
    else if (mode === 'error')
      res
        .writeHead(400)
        .end(JSON.stringify({ status: 'error', error: 'parse error: unexpected }' }));
    else res.writeHead(200, { 'content-length': String(64 * 1024 * 1024) }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const address = server.address();
  const client = new PromQueryClient(
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  );
  await assert.rejects(
    client.query('up', 0),
    (e: Error) =>
      e instanceof QueryError && /not JSON: is --query-url the base URL/.test(e.message),
  );
  mode = 'error';
  await assert.rejects(
    client.query('up', 0),
    (e: Error) => e instanceof QueryError && /answered 400: parse error/.test(e.message),
  );
  mode = 'huge';
  await assert.rejects(
    client.query('up', 0),
    (e: Error) => e instanceof QueryError && /limit 33554432/.test(e.message),
  );
});
