// The instance view's busy-loop panel in headless Chromium: from a real
// agent in a child process (a package's function keeping the loop busy in
// ~70 ms chunks, real OTLP logs into the collector) it reads "loop saturated
// by deriveKey (hashlib/index.js:3) called from verifyPassword (app.js:5)"
// with the utilization and duration; hostile labels are shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BUSY_EVENT, METRICS } from '@loopscope/agent/names';
import { BUSY_APP, launchChromium, startNode, waitFor, writeBusyApp } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';
import type { BusyResponse } from '../../src/api/busy.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';
import { busyEvent, logsExport, RESOURCE } from '../helpers/logs-sdk.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/ui/', import.meta.url));
const AGENT = import.meta.resolve('@loopscope/agent/register');

test('the busy-loop panel names the saturating function, its package and its caller', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const busyApp = await writeBusyApp();
  t.after(() => busyApp.remove());
  const child = startNode(['--import', AGENT, busyApp.script], {
    cwd: busyApp.dir,
    env: {
      OTEL_SERVICE_NAME: 'busy-ui',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=busy-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      LOOPSCOPE_HOT_LOOP_SECONDS: '3',
      BUSY_MS: '10000',
    },
  });
  t.after(() => child.stop('SIGKILL'));
  const [event] = (
    await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/busy?job=busy-ui&instance=busy-1`);
        const body = (await res.json()) as BusyResponse;
        return body.recent.length > 0 ? body : undefined;
      },
      { what: 'a busy-loop event in the API', timeoutMs: 40_000, intervalMs: 250 },
    )
  ).recent;
  assert.ok(event);

  const browser = await launchChromium({ viewport: { width: 1440, height: 1000 } });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(url);
  await page.click('tr[data-instance="busy-1"]');
  const line = page.locator('#busy .busy-line');
  await line.first().waitFor({ timeout: 15_000 });
  const { packageName, culprit, culpritLine, caller, callerLine } = BUSY_APP;
  assert.equal(
    await line.first().innerText(),
    `Loop saturated by ${culprit} (${packageName}/index.js:${culpritLine}) called from ${caller} (app.js:${callerLine})`,
  );
  const figures = await page.locator('#busy .busy-figures').first().innerText();
  const percent = Math.round(event.utilization * 100);
  assert.match(figures, new RegExp(`^${percent} % busy for \\d+\\.\\d\\d s`), figures);
  assert.match(figures, /of \d+ stack samples, no single stall over the threshold/);
  assert.equal(
    await page.locator('#busy .busy-duration').first().innerText(),
    `${(event.durationMs / 1000).toFixed(2)} s`,
  );
  assert.deepEqual(browser.problems, [], 'no console or page errors');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}busy-loop.png`, fullPage: true });
});

test('hostile labels in a busy-loop event are shown as text, never as markup', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // The instance view needs the instance's metrics; the event comes as the OTLP logs SDK sends it.
  const h = sdkHarness(RESOURCE);
  h.meter.createGauge(METRICS.threadpoolSize.name, { unit: METRICS.threadpoolSize.unit }).record(4);
  const metrics = await fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: serialize(await h.collect(), 'protobuf'),
  });
  assert.equal(metrics.status, 200);
  await h.provider.shutdown();
  const label = '<img src=x onerror="document.title=1"> (evil.js:1)';
  const logs = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: logsExport(
      RESOURCE,
      [busyEvent({ label }, { [BUSY_EVENT.attributes.caller]: '</code><b>x</b>' })],
      'protobuf',
    ),
  });
  assert.equal(logs.status, 200);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${url}/#/instance/shop%2Fapi/i-1`);
  const line = page.locator('#busy .busy-line');
  await line.waitFor({ timeout: 15_000 });
  assert.equal(
    await line.innerText(),
    'Loop saturated by <img src=x onerror="document.title=1"> (evil.js:1) called from </code><b>x</b>',
  );
  assert.equal(await page.locator('#busy img, #busy b').count(), 0, 'no element from the data');
  assert.deepEqual(browser.problems, [], 'no console or page errors');
});
