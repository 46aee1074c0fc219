// The remote-write queue under a database outage longer than it can hold:
// exports get 503 + Retry-After (counted), the queue stays within its bound
// under a capped heap, and once the database is back the queue drains and
// the totals are exact (the SDK's next cumulative export restates them).
// Also the retry policy against a real HTTP server: 429 + Retry-After and
// 5xx are retried, other 4xx are dropped and logged without credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startVictoriaMetrics, waitFor } from '@loopscope/testkit';
import { REMOTE_WRITE_METRICS } from '../../src/self-metric-names.js';
import { scrape, startCli, startInProcess } from '../helpers/collector.js';
import { sdkHarness, serialize, type SdkHarness } from '../helpers/sdk.js';

const SERIES = 60;
const QUEUE_BYTES = 32 * 1024;

function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function counterSum(text: string, re: RegExp): number {
  return text
    .split('\n')
    .filter((l) => re.test(l))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function post(url: string, h: SdkHarness): Promise<Response> {
  return fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: serialize(await h.collect(), 'protobuf'),
  });
}

test('queue full: 503 + Retry-After, bounded queue under a capped heap, exact totals after the outage', async (t) => {
  const dbPort = await freePort();
  const c = await startCli(
    t,
    [
      '--remote-write-url',
      `http://127.0.0.1:${dbPort}/api/v1/write`,
      '--remote-write-queue-bytes',
      String(QUEUE_BYTES),
      '--no-scrape-endpoint',
    ],
    undefined,
    { NODE_OPTIONS: '--max-old-space-size=48' },
  );
  const h = sdkHarness({ 'service.name': 'backlog', 'service.instance.id': 'one' });
  const counter = h.meter.createCounter('work.items');
  let rounds = 0;
  let refused = 0;
  let res: Response | undefined;
  for (let i = 0; i < 200 && refused < 3; i++) {
    for (let k = 0; k < SERIES; k++) counter.add(1, { k });
    rounds++;
    res = await post(c.url, h);
    if (res.status === 503) {
      refused++;
      assert.equal(res.headers.get('retry-after'), '1');
      assert.match(await res.text(), /remote-write queue .* is full/);
    } else {
      assert.equal(res.status, 200, await res.text());
    }
  }
  assert.equal(refused, 3, 'exports were refused once the queue was full');
  const during = await scrape(c.url);
  const queued = gauge(during, REMOTE_WRITE_METRICS.queueBytes);
  // At most one export's samples beyond the bound (checked before each is stored).
  assert.ok(queued >= QUEUE_BYTES && queued < QUEUE_BYTES + 16 * 1024, `queue ${queued} bytes`);
  assert.equal(
    counterSum(during, /^loopscope_collector_exports_total\{result="backlogged"\}/),
    refused,
  );
  assert.ok(c.child.process.exitCode === null, 'the collector is still running');

  // The database comes up: the queue drains.
  const vm = await startVictoriaMetrics({ port: dbPort });
  t.after(() => vm.stop());
  await waitFor(async () => gauge(await scrape(c.url), REMOTE_WRITE_METRICS.queueBytes) === 0, {
    what: 'the queue to drain',
    timeoutMs: 30_000,
  });
  // The SDK's next (cumulative) export carries everything, the refused rounds too.
  for (let k = 0; k < SERIES; k++) counter.add(1, { k });
  rounds++;
  assert.equal((await post(c.url, h)).status, 200);
  await waitFor(
    async () => {
      const r = await vm.query('sum(work_items_total{job="backlog"})');
      return Number(r[0]?.value?.[1]) === SERIES * rounds;
    },
    { what: `sum(work_items_total) = ${SERIES * rounds}`, timeoutMs: 20_000 },
  );
  const after = await scrape(c.url);
  assert.equal(
    counterSum(after, /^loopscope_collector_remote_write_samples_total\{.*result="dropped"/),
    0,
  );
  assert.ok(
    counterSum(after, /^loopscope_collector_remote_write_samples_total\{.*result="retried"/) > 0,
  );
  // A pure gateway keeps no series for /metrics.
  assert.doesNotMatch(after, /^work_items_total/m);
});

test('retry policy: 429 with Retry-After and 500 are retried, 400 is dropped and logged once without credentials', async (t) => {
  const answers = [429, 500, 204, 400, 400];
  const seen: { auth: string | undefined; ua: string | undefined; version: string | undefined }[] =
    [];
  const at: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({
        auth: req.headers.authorization,
        ua: req.headers['user-agent'],
        version: req.headers['x-prometheus-remote-write-version'] as string | undefined,
      });
      at.push(Date.now());
      const code = answers.shift() ?? 204;
      if (code === 429) res.setHeader('retry-after', '1');
      res.statusCode = code;
      res.end(code === 400 ? 'out of order sample for series secret Bearer abc123' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const { url, logs } = await startInProcess(t, {
    remoteWriteUrls: [`http://user:p%40ss@127.0.0.1:${port}/write?token=hidden`],
    remoteWriteConcurrency: 1,
    logLevel: 'error',
  });
  const h = sdkHarness({ 'service.name': 'retry', 'service.instance.id': 'one' });
  const counter = h.meter.createCounter('work.items');
  counter.add(1);
  assert.equal((await post(url, h)).status, 200);
  await waitFor(() => seen.length >= 3, {
    what: 'the first batch to be retried twice',
    timeoutMs: 20_000,
  });
  assert.ok(at[1]! - at[0]! >= 900, `Retry-After honoured (${at[1]! - at[0]!} ms)`);
  counter.add(1);
  assert.equal((await post(url, h)).status, 200);
  counter.add(1);
  assert.equal((await post(url, h)).status, 200);
  await waitFor(() => seen.length >= 5, { what: 'two refused batches', timeoutMs: 20_000 });
  assert.equal(seen[0]!.auth, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  assert.match(seen[0]!.ua!, /^loopscope-collector\/\d+\.\d+\.\d+/);
  assert.equal(seen[0]!.version, '0.1.0');
  const text = await scrape(url);
  const remote = `http://127.0.0.1:${port}/write`;
  assert.match(
    text,
    new RegExp(
      `samples_total\\{remote="${remote.replace(/[/.]/g, '\\$&')}",result="dropped"\\} [1-9]`,
    ),
  );
  assert.match(text, /requests_total\{remote="[^"]+",code="429"\} 1/);
  assert.match(text, /requests_total\{remote="[^"]+",code="500"\} 1/);
  assert.match(text, /requests_total\{remote="[^"]+",code="400"\} 2/);
  const refusals = logs.filter((l) => l.includes('refused by the database'));
  assert.equal(refusals.length, 1, 'logged once per minute');
  assert.match(refusals[0]!, /out of order sample/);
  for (const l of logs) {
    assert.doesNotMatch(l, /p%40ss|p@ss|hidden|abc123/, 'no credential in the logs');
  }
});
