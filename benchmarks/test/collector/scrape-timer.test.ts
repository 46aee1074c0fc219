import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderOnce } from '../../src/collector/scrape-timer.js';

test('renderOnce counts a marker once even when a chunk boundary splits it', async (t) => {
  const marker = 'push_time_seconds{';
  // Chunks cut inside the marker, and one ending just before it.
  const chunks = [
    '# x\npush_ti',
    'me_seconds{a="1"} 1\n',
    'push_time_seconds{a="2"} 2\n',
    'zzz\npush_time_',
    'seconds{a="3"} 3\n',
  ];
  const server = createServer((_req, res) => {
    res.writeHead(200);
    let i = 0;
    const next = (): void => {
      if (i === chunks.length) return void res.end();
      res.write(chunks[i++], next);
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const r = await renderOnce(`http://127.0.0.1:${port}`, marker);
  assert.equal(r.senders, 3);
  assert.equal(r.bytes, chunks.join('').length);
  assert.ok(r.ms > 0);
});
