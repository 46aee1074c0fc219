import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { paced } from '../../src/collector/paced.js';

test('paced sends evenly at the asked rate and charges a slow server for the wait', async (t) => {
  let slow = false;
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), slow ? 50 : 0));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const body = { method: 'POST', path: '/', headers: {}, body: Buffer.from('x') };

  const fast = await paced(url, 200, 1, () => body);
  assert.equal(fast.ok, 200);
  assert.equal(fast.errors + fast.non2xx, 0);
  // Evenly spaced, not one burst per second: no 100 ms has more than a third of the requests.
  const first = arrivals[0]!;
  const perTenth = new Array<number>(11).fill(0);
  for (const a of arrivals) perTenth[Math.min(10, Math.floor((a - first) / 100))]!++;
  assert.ok(Math.max(...perTenth) < 70, `arrivals per 100 ms: ${perTenth.join(' ')}`);

  slow = true;
  // One socket: each request waits for the 50 ms before it, so latency grows with the queue.
  const behind = await paced(url, 100, 0.3, () => body, 1);
  assert.equal(behind.ok, 30);
  assert.ok(behind.p99Ms > 500, `p99 ${behind.p99Ms} ms`);
});
