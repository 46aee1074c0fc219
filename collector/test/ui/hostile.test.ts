// The UI in headless Chromium against hostile but valid data: resource types
// named like Object.prototype members, a stall with no JavaScript frames, and
// a hash URL with a malformed percent escape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTR, METRICS } from '@loopscope/agent/names';
import { launchChromium, waitFor } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';
import { blockEvent, logsExport, RESOURCE } from '../helpers/logs-sdk.js';

const TYPES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

test('the UI survives prototype-named types, empty stacks and a malformed hash URL', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  const h = sdkHarness(RESOURCE);
  const active = h.meter.createGauge(METRICS.resourceActive.name, {
    unit: METRICS.resourceActive.unit,
  });
  TYPES.forEach((type, i) => active.record(i + 1, { [ATTR.resourceType]: type }));
  const metrics = await fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: serialize(await h.collect(), 'protobuf'),
  });
  assert.equal(metrics.status, 200);
  await h.provider.shutdown();
  const logs = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: logsExport(RESOURCE, [blockEvent({ frames: [], durationMs: 250 })], 'protobuf'),
  });
  assert.equal(logs.status, 200);
  assert.deepEqual(Buffer.from(await logs.arrayBuffer()).length, 0, 'no partial success');

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();

  // Fleet view: the instance is listed with its resource count, not "unreachable".
  await page.goto(url);
  // Polled from here: page.waitForFunction evaluates a string, which the UI's CSP forbids.
  await waitFor(
    async () =>
      await page.evaluate<boolean>('document.querySelectorAll("tr[data-instance]").length === 1'),
    { what: 'document.querySelectorAll("tr[data-instance]").length === 1', timeoutMs: 30_000 },
  );
  assert.doesNotMatch((await page.textContent('#status-text')) ?? '', /unreachable/);
  assert.doesNotMatch((await page.textContent('#view')) ?? '', /native code|function/);

  // Instance view: the stall without frames says why it has none.
  await page.goto(`${url}/#/instance/shop%2Fapi/i-1`);
  const stall = page.locator('#stall .no-stack');
  await stall.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await stall.textContent(), 'no JavaScript stack (native or already finished)');
  assert.match(
    (await page.textContent('#blocks')) ?? '',
    /no JavaScript stack \(native or already finished\)/,
  );
  assert.doesNotMatch((await page.textContent('#view')) ?? '', /native code\]|function Object/);

  // A malformed escape in the hash: the page still routes, nothing is thrown.
  await page.goto(`${url}/#/instance/x/%E0%A4%A`);
  await waitFor(
    async () =>
      await page.evaluate<boolean>(
        'document.querySelector("#crumbs .inst")?.textContent === "%E0%A4%A"',
      ),
    {
      what: 'document.querySelector("#crumbs .inst")?.textContent === "%E0%A4%A"',
      timeoutMs: 30_000,
    },
  );
  assert.deepEqual(browser.problems, [], 'no console errors, page errors or failed requests');
});
