/**
 * deploy/nginx/nginx.conf, with the real nginx (Debian package): `nginx -t`
 * accepts it, and run for real in front of two real collectors it spreads
 * OTLP exports over both (round robin, no stickiness) and hands an export to
 * the other collector when one is down.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { buildApp } from '@loopscope/collector';
import { freePort, startProcess, waitFor } from '@loopscope/testkit';
import { repoPath } from '../helpers/repo.js';

const run = promisify(execFile);

/** The compose file's config with the service names and ports of this machine. */
async function localConfig(
  dir: string,
  upstreams: readonly number[],
  listen: number,
): Promise<string> {
  let conf = await readFile(repoPath('deploy/nginx/nginx.conf'), 'utf8');
  upstreams.forEach((port, i) => {
    conf = conf.replace(`server collector-${i + 1}:4318`, `server 127.0.0.1:${port}`);
  });
  conf = conf
    .replace(/listen\s+4318;/, `listen 127.0.0.1:${listen};`)
    .replace('pid /tmp/nginx.pid;', `pid ${join(dir, 'nginx.pid')};`);
  const file = join(dir, 'nginx.conf');
  await writeFile(file, conf);
  return file;
}

/** One OTLP/JSON metrics export of a gauge, from one sender. */
const exportBody = (instance: string): string =>
  JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'nginx-test' } },
            { key: 'service.instance.id', value: { stringValue: instance } },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'queue.depth',
                gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: String(Date.now() * 1e6) }] },
              },
            ],
          },
        ],
      },
    ],
  });

test('nginx -t accepts deploy/nginx/nginx.conf', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-nginx-'));
  try {
    const file = await localConfig(dir, [4318, 4319], await freePort());
    const { stderr } = await run('nginx', ['-t', '-c', file, '-p', dir], { timeout: 30_000 });
    assert.match(stderr, /syntax is ok/);
    assert.match(stderr, /test is successful/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run for real: exports round-robin over two collectors, and go to the other one when one is down', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-nginx-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const apps = [0, 1].map(() => buildApp({ logLevel: 'silent', selfMonitor: false }));
  const ports: number[] = [];
  for (const app of apps) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    ports.push(typeof address === 'object' && address ? address.port : 0);
  }
  t.after(() => Promise.all(apps.map((a) => a.close())));
  const listen = await freePort();
  const file = await localConfig(dir, ports, listen);
  const nginx = startProcess('nginx', ['-c', file, '-p', dir, '-g', 'daemon off;']);
  t.after(() => nginx.stop('SIGQUIT', 5_000));
  const url = `http://127.0.0.1:${listen}/v1/metrics`;
  const send = (instance: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: exportBody(instance),
    });
  await waitFor(async () => (await send('probe').catch(() => undefined))?.ok === true, {
    what: 'nginx to proxy an export',
    timeoutMs: 15_000,
  });

  const exportsOf = async (port: number): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return [
      ...text.matchAll(/^loopscope_collector_exports_total\{[^}]*result="accepted"[^}]*\} (\d+)/gm),
    ].reduce((a, m) => a + Number(m[1]), 0);
  };
  const before = await Promise.all(ports.map(exportsOf));
  for (let i = 0; i < 20; i++) assert.equal((await send(`agent-${i % 4}`)).status, 200);
  const after = await Promise.all(ports.map(exportsOf));
  const got = after.map((n, i) => n - (before[i] ?? 0));
  assert.equal(
    (got[0] ?? 0) + (got[1] ?? 0),
    20,
    `every export reached a collector: ${got.join(' + ')}`,
  );
  for (const n of got) assert.ok(n >= 5, `round robin, not one collector: ${got.join(' + ')}`);

  // One collector goes away: nginx hands its share to the other, nothing is refused.
  await apps[1]?.close();
  for (let i = 0; i < 10; i++) assert.equal((await send(`agent-${i % 4}`)).status, 200);
  assert.equal((await exportsOf(ports[0] ?? 0)) - (after[0] ?? 0), 10);
});
