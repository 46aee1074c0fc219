// The loopscope-collector binary as operators run it, in child processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { runNode, startNode, freePort, tempDir } from '@loopscope/testkit';
import { CLI, startCli } from './helpers/collector.js';
import { raw } from './helpers/http.js';
import { sdkHarness, serialize } from './helpers/sdk.js';

async function exportBody(): Promise<Buffer> {
  const h = sdkHarness({ 'service.name': 'cli-test', 'service.instance.id': 'x' });
  h.meter.createCounter('c').add(1);
  const body = serialize(await h.collect(), 'protobuf');
  await h.provider.shutdown();
  return body;
}

test('--help lists the settings and exits 0', async () => {
  const r = await runNode([CLI, '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: loopscope-collector \[options\]/);
  assert.match(r.stdout, /--max-body-bytes <size>[\s\S]*env: LOOPSCOPE_MAX_BODY_BYTES/);
  assert.equal(r.stderr, '');
});

test('an invalid setting: one clear line on stderr, exit 2, no stack trace', async () => {
  const r = await runNode([CLI, '--expire-after', 'soon'], { env: { LOOPSCOPE_PORT: '0' } });
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    'loopscope-collector: --expire-after: "soon" is not a duration (e.g. 500ms, 30s, 5m, 1h30m)\nRun loopscope-collector --help for the settings.\n',
  );
  const env = await runNode([CLI], { env: { LOOPSCOPE_MAX_SERIES: '-5' } });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /LOOPSCOPE_MAX_SERIES: "-5" is not a positive integer/);
});

test('a port in use: a clear message and exit 1', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const r = await runNode([CLI, '--port', String(port), '--no-self-monitor']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /cannot listen on 127\.0\.0\.1:\d+: listen EADDRINUSE/);
});

test('SIGTERM: stop accepting, finish the in-flight export, exit 0', async (t) => {
  const c = await startCli(t);
  const body = await exportBody();
  let release!: () => void;
  const inflight = raw(`${c.url}/v1/metrics`, {
    headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
    body,
    holdUntil: new Promise<void>((r) => (release = r)),
  });
  await new Promise((r) => setTimeout(r, 200));
  c.child.process.kill('SIGTERM');
  await c.child.waitForOutput(/shutting down/);
  await assert.rejects(fetch(`${c.url}/healthz`), 'no new connections');
  assert.equal(c.child.process.exitCode, null, 'still waiting for the in-flight request');
  release();
  assert.equal((await inflight).status, 200);
  assert.equal(await c.child.exited(), 0);
});

test('TLS with --tls-cert/--tls-key and bearer tokens from LOOPSCOPE_AUTH_TOKENS', async (t) => {
  const dir = tempDir('loopscope-tls-');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const child = startNode(
    [
      CLI,
      '--port',
      String(port),
      '--no-self-monitor',
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'key.pem'),
    ],
    { env: { LOOPSCOPE_AUTH_TOKENS: 'tls-token' } },
  );
  t.after(() => child.stop('SIGKILL', 1000));
  await child.waitForOutput(/listening on https:\/\/127\.0\.0\.1:/);
  const body = await exportBody();
  const post = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const r = httpsRequest(
        `https://127.0.0.1:${port}/v1/metrics`,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  assert.equal(await post('tls-token'), 200);
  assert.equal(await post('nope'), 401);
  assert.ok(!child.stdout().includes('tls-token'), 'the token is not logged');
});
