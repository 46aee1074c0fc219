// Issue 15 item 3: one sender's 13 MB request must not hold the event loop
// while a light sender exports every 50 ms. Before --max-points-per-request
// the collector decoded and stored 650,000 points synchronously (6.4 s with
// the loop held on this machine). Now it is refused with 413, naming the
// limit, after a scan that skips the points, and the light sender keeps
// being answered. The bound asserted is generous (noisy CI: the sender here
// shares the host, and its own loop too); the tight
// figure is measured by `loopscope-bench hostile`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { millionPoints, point, request } from '../helpers/heavy.js';
import { startCli } from '../helpers/collector.js';

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

test('a 13 MB export is refused by its point count and a light sender keeps being answered', async (t) => {
  const c = await startCli(t);
  const post = (body: Buffer) =>
    fetch(`${c.url}/v1/metrics`, { method: 'POST', headers: PB, body });
  const light = request([{ name: 'light', gauge: { dataPoints: [point(1)] } }], 'light');
  const heavy = millionPoints(650_000);
  assert.ok(heavy.length > 12 * 2 ** 20, `heavy body ${heavy.length} bytes`);

  const latencies: number[] = [];
  const health: number[] = [];
  let running = true;
  const lightSender = (async () => {
    while (running) {
      const started = performance.now();
      const res = await post(light);
      latencies.push(performance.now() - started);
      assert.equal(res.status, 200, await res.text());
      await sleep(50);
    }
  })();
  const healthProbe = (async () => {
    while (running) {
      const res = await fetch(`${c.url}/healthz`);
      health.push(res.status);
      await sleep(100);
    }
  })();

  await sleep(300);
  for (let i = 0; i < 3; i++) {
    const res = await post(heavy);
    assert.equal(res.status, 413);
    assert.match(
      await res.text(),
      /more than 10000 data points, the limit per request \(--max-points-per-request\)/,
    );
  }
  // The largest request the default accepts is stored, not refused.
  const most = await post(millionPoints(10_000));
  assert.equal(most.status, 200, await most.text());
  await sleep(500);
  running = false;
  await Promise.all([lightSender, healthProbe]);

  const worst = Math.max(...latencies);
  const figures = `${latencies.length} light exports, worst ${worst.toFixed(0)} ms (${latencies.map((l) => l.toFixed(0)).join(' ')}); /healthz ${health.length} answers`;
  t.diagnostic(figures);
  assert.ok(latencies.length >= 10, figures);
  // 2 s: on a 2-core host at load 14 a light export took up to 0.8 s with no
  // heavy request at all; before the limit, each heavy request held the loop
  // for ~6 s, so a regression crosses this bound three times over.
  assert.ok(worst < 2000, figures);
  assert.ok(health.length >= 5 && health.every((s) => s === 200), figures);
});

// Issue 15 item 3, the accepted side: a request of 10,000 new series (the
// most --max-points-per-request accepts) is stored in slices of
// --ingest-slice-points (1,000), and the loop serves other requests in
// between. Stored in one go, no scrape could ever see a request half stored.
test('10,000-point requests are stored in slices: scrapes and /healthz are answered in between', async (t) => {
  const c = await startCli(t);
  const senders = 4;
  // 5 metrics x 2,000 values (--max-cardinality) = 10,000 new series per request.
  const heavy = Array.from({ length: senders }, (_, s) =>
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: `heavy-${s}` } }] },
          scopeMetrics: [
            {
              metrics: Array.from({ length: 5 }, (_, m) => ({
                name: `users_${m}`,
                gauge: {
                  dataPoints: Array.from({ length: 2000 }, (_, i) => ({
                    timeUnixNano: String(Date.now() * 1e6),
                    asDouble: 1,
                    attributes: [{ key: 'user', value: { stringValue: `u${i}` } }],
                  })),
                },
              })),
            },
          ],
        },
      ],
    }),
  );
  const stored = (text: string, s: number) =>
    text.match(new RegExp(`^users_\\d\\{job="heavy-${s}"`, 'gm'))?.length ?? 0;
  let running = true;
  const health: number[] = [];
  const partial: string[] = [];
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${c.url}/healthz`);
      assert.equal(res.status, 200);
      health.push(performance.now() - started);
    }
  })();
  const scraper = (async () => {
    while (running) {
      const text = await (await fetch(`${c.url}/metrics`)).text();
      for (let s = 0; s < senders; s++) {
        const n = stored(text, s);
        if (n > 0 && n < 10_000) partial.push(`heavy-${s}: ${n}`);
      }
    }
  })();
  for (let round = 0; round < 2; round++) {
    const answers = await Promise.all(
      heavy.map((body) =>
        fetch(`${c.url}/v1/metrics`, { method: 'POST', headers: JSON_CT, body }).then(
          async (r) => [r.status, await r.text()] as const,
        ),
      ),
    );
    // Every point accepted (round 2 replaces round 1's values): no partial_success.
    for (const [status, text] of answers) {
      assert.equal(status, 200, text);
      assert.doesNotMatch(text, /partialSuccess/, text);
    }
  }
  running = false;
  await Promise.all([probe, scraper]);
  const worst = Math.max(...health);
  const figures = `${health.length} /healthz answers, worst ${worst.toFixed(0)} ms; scrapes that saw a request half stored: ${partial.length} (${partial.slice(0, 5).join(', ')})`;
  t.diagnostic(figures);
  assert.ok(partial.length > 0, figures);
  // Generous (a loaded 2-core host): the bound only a regression of seconds crosses.
  assert.ok(worst < 2000, figures);
  const text = await (await fetch(`${c.url}/metrics`)).text();
  for (let s = 0; s < senders; s++) {
    assert.equal(stored(text, s), 10_000, `heavy-${s} complete`);
  }
});
