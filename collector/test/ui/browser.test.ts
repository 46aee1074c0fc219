import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, startNode, waitFor, type Child } from '@loopscope/testkit';
import { buildApp } from '../../src/app.js';
import type { InstancesResponse } from '../../src/api/routes.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/ui/', import.meta.url));
const AGENT = import.meta.resolve('@loopscope/agent/register');

/** A process with the real agent whose loop stalls `blockMs` every `everyMs` (0 = never). */
function stallingApp(
  collectorUrl: string,
  instance: string,
  blockMs: number,
  everyMs: number,
): Child {
  const code = blockMs
    ? `setInterval(() => { const end = performance.now() + ${blockMs}; while (performance.now() < end); }, ${everyMs});`
    : 'setInterval(() => {}, 1000);';
  return startNode(['--import', AGENT, '-e', code], {
    env: {
      OTEL_SERVICE_NAME: 'browser-test',
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
  });
}

interface ChartData {
  series: string[];
  data: (number | null)[][];
}

/** What a chart draws, read from the page's own hook (collector/ui/chart.js), not from pixels. */
const chartData = (page: Page, id: string) =>
  page.evaluate<ChartData | undefined>(`window.loopscope.chartData(${JSON.stringify(id)})`);

test('the UI shows live agents, ranks the stalling one first and charts its p99 over 100 ms', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  // Names chosen so the ranking differs from alphabetical order.
  const apps = [
    stallingApp(url, 'a-calm', 0, 0),
    stallingApp(url, 'b-mild', 20, 500),
    stallingApp(url, 'c-stalling', 250, 500),
  ];
  t.after(() => Promise.all(apps.map((a) => a.stop('SIGKILL'))));

  await waitFor(
    async () => {
      const body = (await (await fetch(`${url}/api/v1/instances`)).json()) as InstancesResponse;
      const live = body.services[0]?.instances.filter((i) => i.state === 'live') ?? [];
      return live.length === 3 && (live[0]?.loopDelayP99 ?? 0) > 0.1;
    },
    { what: 'three live agents, one with loop delay p99 > 100 ms', timeoutMs: 30_000 },
  );

  const browser = await launchChromium({ viewport: { width: 1440, height: 1000 } });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(url);

  // Fleet view: rows worst first, the order backed by the p99 each row shows.
  // Polled from here: page.waitForFunction evaluates a string, which the UI's CSP forbids.
  await waitFor(
    async () =>
      await page.evaluate<boolean>('document.querySelectorAll("tr[data-instance]").length === 3'),
    { what: 'document.querySelectorAll("tr[data-instance]").length === 3', timeoutMs: 30_000 },
  );
  const rows = await page.evaluate<{ instance: string; p99: number }[]>(
    '[...document.querySelectorAll("tr[data-instance]")].map((tr) => ({ instance: tr.dataset.instance, p99: Number(tr.dataset.p99) }))',
  );
  assert.equal(rows[0]?.instance, 'c-stalling', JSON.stringify(rows));
  assert.ok((rows[0]?.p99 ?? 0) > 0.1, JSON.stringify(rows));
  for (let i = 1; i < rows.length; i++) {
    assert.ok(
      (rows[i - 1]?.p99 ?? 0) >= (rows[i]?.p99 ?? 0),
      `ranked by p99: ${JSON.stringify(rows)}`,
    );
  }
  assert.equal(await page.locator('#fleet-untracked').isVisible(), false, 'no notice: all tracked');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}fleet.png`, fullPage: true });

  // Instance view of the worst: the loop-delay chart's own data has p99 > 100 ms.
  await page.click('tr[data-instance="c-stalling"]');
  const chart = await waitFor(
    async () => {
      const data = await chartData(page, 'loop-delay');
      const p99 = data?.data[1 + (data?.series.indexOf('p99') ?? -2)] ?? [];
      return p99.some((v) => v !== null && v > 0.1) && { data, p99 };
    },
    { what: 'loop-delay chart with a p99 point over 100 ms', timeoutMs: 15_000 },
  );
  assert.deepEqual(chart.data?.series, ['p50', 'p99', 'max']);
  // Other charts got data too.
  for (const id of ['loop-utilization', 'resources', 'heap']) {
    const data = await chartData(page, id);
    assert.ok((data?.data[0]?.length ?? 0) > 0, `chart ${id} has points`);
  }
  // Live: new points arrive while the page is open.
  const before = chart.data?.data[0]?.length ?? 0;
  await waitFor(
    async () => ((await chartData(page, 'loop-delay'))?.data[0]?.length ?? 0) > before,
    { what: 'a new point on the open page', timeoutMs: 10_000 },
  );
  await page.screenshot({ path: `${ARTIFACTS}instance.png`, fullPage: true });

  assert.deepEqual(browser.problems, [], 'no console errors, page errors or failed requests');
});

test('with more live instances than the history holds, the fleet view says how many are not shown', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false, historyInstances: 1 });
  t.after(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const instance of ['first', 'second', 'third']) {
    const h = sdkHarness({ 'service.name': 'crowd', 'service.instance.id': instance });
    h.meter.createGauge('queue').record(1);
    const res = await fetch(`${url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: serialize(await h.collect(), 'protobuf'),
    });
    assert.equal(res.status, 200);
    await h.provider.shutdown();
  }

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(url);
  const notice = page.locator('#fleet-untracked');
  await notice.waitFor({ state: 'visible' });
  assert.match(
    (await notice.textContent()) ?? '',
    /^2 more instances are sending but not shown: the history holds 1 .*--history-instances/,
  );
  assert.equal(await page.locator('tr[data-instance]').count(), 1);
  assert.deepEqual(browser.problems, [], 'no console errors, page errors or failed requests');
});
