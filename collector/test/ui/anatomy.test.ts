// The instance view shows the latest stall's anatomy bar and its request, from a
// real agent in a child process (real OTLP logs into the collector), in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, startNode, waitFor } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/ui/', import.meta.url));
const AGENT = import.meta.resolve('@loopscope/agent/register');

const APP = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const end = Date.now() + 250; while (Date.now() < end);
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  setInterval(() => http.get({ host: '127.0.0.1', port, path: '/report?x=1', agent: false }, (r) => r.resume()), 1500);
});
`;

test('the stall panel shows the anatomy bar, its cause and the request', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const child = startNode(['--import', AGENT, '-e', APP], {
    env: {
      OTEL_SERVICE_NAME: 'anatomy-ui',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=stalling-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'true',
    },
  });
  t.after(() => child.stop('SIGKILL'));
  await waitFor(
    async () => {
      const res = await fetch(`${url}/api/v1/blocks?job=anatomy-ui&instance=stalling-1`);
      const body = (await res.json()) as { recent: { anatomy?: unknown }[] };
      return body.recent.some((r) => r.anatomy);
    },
    { what: 'a stall with its anatomy in the blocks API', timeoutMs: 20_000 },
  );

  const browser = await launchChromium({ viewport: { width: 1440, height: 1000 } });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(url);
  await page.click('tr[data-instance="stalling-1"]');
  const bar = page.locator('.anatomy .bar .seg');
  await bar.first().waitFor({ timeout: 15_000 });
  const cause = await page.locator('.anatomy').getAttribute('data-cause');
  assert.ok(['code', 'cpu_starved', 'gc', 'syscall'].includes(cause ?? ''), `cause ${cause}`);
  assert.ok((await bar.count()) >= 1, 'at least one segment');
  const request = await page.locator('.request').innerText();
  assert.match(request, /GET \/report/);
  assert.doesNotMatch(request, /x=1/, 'no query string');
  assert.match(request, /in flight/);
  assert.deepEqual(browser.problems, [], 'no console or page errors');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}stall-anatomy.png`, fullPage: true });
});
