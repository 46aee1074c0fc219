import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '@loopscope/agent/names';
import Fastify from 'fastify';
import { buildApp } from '../../src/app.js';
import { uiRoutes } from '../../src/ui/routes.js';

const pageConfig = (html: string) => {
  const m = html.match(/<script type="application\/json" id="loopscope-config">(.*?)<\/script>/s);
  assert.ok(m?.[1], 'the page carries its config');
  return JSON.parse(m[1]) as { series: Record<string, string>; features: string[] };
};

test('the page, its scripts and uPlot are served by the collector itself', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());

  const page = await app.inject('/');
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const config = pageConfig(page.body);
  assert.equal(config.series.loopDelay, METRICS.eventloopDelay.name);

  // Every script and stylesheet the page and its modules reference must resolve: offline, no CDN.
  const referenced = new Set([...page.body.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]));
  const app_js = await app.inject('/ui/app.js');
  for (const m of app_js.body.matchAll(/from '\.\/([^']+)'/g)) referenced.add(`/ui/${m[1]}`);
  assert.ok(referenced.has('/vendor/uplot/uPlot.iife.min.js'));
  for (const path of referenced) {
    const res = await app.inject(path ?? '');
    assert.equal(res.statusCode, 200, path);
    assert.ok(res.body.length > 0, path);
  }
  assert.match(String((await app.inject('/ui/app.js')).headers['content-type']), /javascript/);
  assert.ok(!/https?:\/\//.test(page.body), 'no external URL in the page');
});

test('paths outside the fixed asset table are 404s', async (t) => {
  const app = buildApp({ logLevel: 'silent', selfMonitor: false });
  t.after(() => app.close());
  for (const path of ['/ui/../package.json', '/ui/nope.js', '/vendor/uplot/uPlot.cjs.js']) {
    assert.equal((await app.inject(path)).statusCode, 404, path);
  }
});

test('an optional route is announced to the page only when registered', async (t) => {
  const bare = Fastify();
  t.after(() => bare.close());
  await bare.register(uiRoutes, { source: 'memory', replica: 'test' });
  assert.deepEqual(pageConfig((await bare.inject('/')).body).features, []);

  const withBlocks = Fastify();
  t.after(() => withBlocks.close());
  await withBlocks.register(uiRoutes, { source: 'memory', replica: 'test' });
  // Registered after the UI, as another plugin would be: still announced.
  withBlocks.get('/api/v1/blocks', () => ({ stacks: [] }));
  assert.deepEqual(pageConfig((await withBlocks.inject('/')).body).features, ['blocks']);
});
