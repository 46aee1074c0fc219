import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../src/chromium.js';

test('launchChromium runs the real browser and collects what went wrong on the page', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(
        '<title>kit</title><script>console.error("boom"); fetch("/missing")</script><p>hi</p>',
      );
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());

  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  assert.equal(await page.title(), 'kit');
  // Tests have no DOM types: page code is given as a string.
  assert.equal(await page.evaluate('matchMedia("(prefers-color-scheme: dark)").matches'), true);
  await page.waitForFunction('performance.getEntriesByType("resource").length > 0');
  await page.waitForTimeout(200);
  assert.ok(browser.problems.includes('console error: boom'), browser.problems.join('\n'));
  assert.ok(
    browser.problems.some((p) => p.startsWith('HTTP 404')),
    browser.problems.join('\n'),
  );
});
