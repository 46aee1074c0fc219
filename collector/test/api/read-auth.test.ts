// The read side can be closed: the UI and /api/v1/* (and /metrics on request)
// need a read token, as Bearer or as an HTTP Basic password; ingest and health
// checks keep their own rules. The UI is served with security headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, waitFor } from '@loopscope/testkit';
import { startCli, startInProcess } from '../helpers/collector.js';
import { request, point } from '../helpers/heavy.js';

const TOKEN = 'read-7f3a9c';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function status(url: string, authorization?: string) {
  const res = await fetch(url, authorization ? { headers: { authorization } } : {});
  await res.arrayBuffer();
  return { status: res.status, headers: res.headers };
}

test('with LOOPSCOPE_READ_AUTH_TOKENS the UI and its API need the token; ingest, health and /metrics do not', async (t) => {
  const c = await startCli(t, [], undefined, { LOOPSCOPE_READ_AUTH_TOKENS: TOKEN });
  for (const path of [
    '/',
    '/ui/app.js',
    '/api/v1/instances',
    '/api/v1/blocks?job=x',
    '/api/v1/busy?job=x',
  ]) {
    const refused = await status(`${c.url}${path}`);
    assert.equal(refused.status, 401, path);
    assert.match(String(refused.headers.get('www-authenticate')), /^Basic realm="loopscope"/);
    assert.equal((await status(`${c.url}${path}`, `Bearer ${TOKEN}`)).status, 200, path);
    assert.equal((await status(`${c.url}${path}`, basic('anyone', TOKEN))).status, 200, path);
    assert.equal((await status(`${c.url}${path}`, `Bearer ${TOKEN}x`)).status, 401, path);
    assert.equal((await status(`${c.url}${path}`, basic(TOKEN, 'wrong'))).status, 401, path);
  }
  const body = await (await fetch(`${c.url}/api/v1/instances`)).json();
  assert.match((body as { message: string }).message, /needs a read token/);
  for (const path of ['/metrics', '/healthz', '/readyz']) {
    assert.equal((await status(`${c.url}${path}`)).status, 200, path);
  }
  const ingest = await fetch(`${c.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: request([{ name: 'g', gauge: { dataPoints: [point(1)] } }]),
  });
  assert.equal(ingest.status, 200, 'ingest keeps its own (open) rules');
  assert.doesNotMatch(c.child.stdout() + c.child.stderr(), new RegExp(TOKEN), 'never logged');
});

test('--read-auth-metrics also closes /metrics', async (t) => {
  const c = await startInProcess(t, { readAuthTokens: [TOKEN], readAuthMetrics: true });
  assert.equal((await status(`${c.url}/metrics`)).status, 401);
  assert.equal((await status(`${c.url}/metrics`, `Bearer ${TOKEN}`)).status, 200);
  assert.equal((await status(`${c.url}/healthz`)).status, 200);
});

test('the UI has security headers and works under its CSP in Chromium, with Basic credentials', async (t) => {
  const c = await startInProcess(t, { readAuthTokens: [TOKEN] });
  const page = await status(`${c.url}/`, `Bearer ${TOKEN}`);
  const csp = String(page.headers.get('content-security-policy'));
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

  const browser = await launchChromium();
  t.after(() => browser.close());
  const tab = await browser.newPage();
  await tab.setExtraHTTPHeaders({ authorization: basic('me', TOKEN) });
  await tab.goto(c.url);
  // Polled from here: page.waitForFunction evaluates a string, which the UI's CSP forbids.
  await waitFor(
    async () => await tab.evaluate<boolean>('document.body.dataset.updated !== undefined'),
    { what: 'document.body.dataset.updated !== undefined', timeoutMs: 30_000 },
  );
  assert.match((await tab.textContent('#status-text')) ?? '', /no live agents|live/);
  assert.deepEqual(browser.problems, [], 'no CSP violation, console error or failed request');
});
