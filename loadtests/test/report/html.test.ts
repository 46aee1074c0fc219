import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '@loopscope/testkit';
import type { Report } from '../../src/analysis/report.js';
import { analyseRows } from '../../src/analysis/verdict.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { ARTIFACTS, tempDir } from '../helpers/paths.js';
import { makeRows } from '../helpers/rows.js';

/** A report of a run whose loop blocked after ten seconds, built from a constructed timeline. */
function blockedRunReport(): Report {
  const rows = makeRows(40, (i) =>
    i < 10
      ? { p95: 4 + (i % 3), loop: 2, pool: 1, elu: 0.3 }
      : { p95: 160 + (i % 7) * 10, loop: 140, loopMax: 230, pool: 142, elu: 0.97, resources: 40 },
  );
  return {
    tool: 'loopscope-analyze',
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    input: { file: 'steady-<script>.ndjson', format: 'ndjson', bytes: 123456 },
    latencyMetric: 'http_req_duration',
    window: { from: rows[0]?.t ?? 0, to: (rows.at(-1)?.t ?? 0) + 1000 },
    resolutionMs: 1000,
    overall: {
      key: 'all',
      requests: 4000,
      rps: 100,
      errors: 0,
      errorRate: 0,
      dropped: 12,
      latency: { count: 4000, avg: 90, min: 1, p50: 80, p90: 170, p95: 180, p99: 210, max: 260 },
    },
    byScenario: [],
    byName: [
      {
        key: 'ok',
        requests: 4000,
        rps: 100,
        errors: 0,
        errorRate: 0,
        latency: { p50: 80, p95: 180 },
      },
    ],
    thresholds: [
      { metric: 'http_req_duration', expression: 'p(95)<100', passed: false, source: 'evaluated' },
    ],
    thresholdsPassed: false,
    thresholdsUnevaluated: [],
    checks: [],
    metrics: [],
    timeline: rows,
    server: {
      source: 'collector',
      url: 'http://127.0.0.1:4318',
      job: 'shop/api',
      instances: ['a'],
      stallsCounted: null,
      stallTime: null,
      cpuPressure: null,
      peaks: {
        loopDelayP99: 140,
        loopDelayMax: 230,
        utilization: 0.97,
        poolDelayP99: 142,
        activeResources: 40,
        poolPending: 0,
      },
    },
    analysis: analyseRows(rows),
    capacity: null,
    blockingStacks: [
      {
        fingerprint: 'a1',
        count: 12,
        totalMs: 1800,
        maxMs: 230,
        frames: ['blockFor /srv/target/server.js:14:3', 'handler /srv/target/server.js:43:7'],
        anatomy: {
          measured: 12,
          byCause: { code: 1710, gc: 90, cpu_starved: 0, syscall: 0 },
          throttledMs: 0,
          starved: 0,
        },
      },
    ],
    baseline: null,
    warnings: [],
  };
}

test(
  'the HTML report is self-contained: it renders its four charts in Chromium with the network cut off',
  { timeout: 60_000 },
  async () => {
    const report = blockedRunReport();
    const html = renderHtml(report);
    assert.doesNotMatch(
      html,
      /<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/,
      'no external resources',
    );
    assert.ok(html.includes('steady-&lt;script&gt;.ndjson'), 'file names are escaped');
    const file = join(tempDir(), 'report.html');
    writeFileSync(file, html);

    const browser = await launchChromium({
      viewport: { width: 1200, height: 1600 },
      colorScheme: 'light',
    });
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requested.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction('document.body.getAttribute("data-charts") !== null', undefined, {
        timeout: 10_000,
      });
      assert.equal(await page.getAttribute('body', 'data-charts'), '4');
      assert.equal(await page.locator('canvas').count(), 4);
      assert.equal(await page.getAttribute('#verdict', 'data-bottleneck'), 'event-loop');
      assert.match(await page.locator('#verdict').innerText(), /Verdict: event-loop blocking/);
      assert.match(await page.locator('#chart-latency .u-legend').innerText(), /loop delay p99/);
      assert.deepEqual(requested, [], 'the page asked for nothing outside its own file');
      // Console errors, page errors and failed requests (the aborted ones above included).
      assert.deepEqual(browser.problems, []);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'analyze-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  },
);

test('Markdown shows the verdict, the divergence, the failed threshold and the folded timeline', () => {
  const md = renderMarkdown(blockedRunReport());
  assert.match(md, /^\*\*Verdict: event-loop blocking\*\*/m);
  assert.match(md, /\*\*Latency diverged at 10:00:10 UTC\*\*/);
  assert.match(md, /\| http_req_duration \| p\(95\)<100 \| FAIL \| evaluated from samples \|/);
  assert.match(md, /## Timeline \(2 buckets per row, worst value shown\)/);
  assert.match(md, /\| event-loop delay p99 \| 140 ms \| 0\.\d\d \(40\) \|/);
  assert.match(
    md,
    /## Top blocking stacks during the run[\s\S]*\| 12 \| 1800 ms \| 230 ms \| code 95% · gc 5% \| blockFor \/srv\/target\/server\.js:14:3 ← handler/,
  );
});
