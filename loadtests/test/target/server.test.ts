import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTarget } from '../../src/target/server.js';
import { LIMITS } from '../../src/target/limits.js';

const tcpSockets = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

test('target endpoints do what they say', async (t) => {
  const app = buildTarget();
  t.after(() => app.close());

  assert.deepEqual((await app.inject('/ok')).json(), { ok: true });

  const block = (await app.inject('/block?ms=60')).json<{ blockedMs: number }>();
  assert.ok(block.blockedMs >= 60, `blocked ${block.blockedMs} ms`);

  const pbkdf2 = await app.inject('/pbkdf2?iterations=1000');
  assert.equal(pbkdf2.json<{ iterations: number }>().iterations, 1000);

  assert.ok((await app.inject('/fs')).json<{ bytes: number }>().bytes > 100);
  assert.match((await app.inject('/dns')).json<{ address: string }>().address, /^(127\.|::1)/);
});

test('leaked connections stay open until released', async (t) => {
  const app = buildTarget();
  t.after(() => app.close());
  const before = tcpSockets();

  const leaked = (await app.inject('/leak?n=5')).json<{ open: number }>();
  assert.equal(leaked.open, 5);
  // Both ends of each connection are live handles (the peer may need a tick to be accepted).
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(tcpSockets() - before, 10);

  const released = (await app.inject('/leak/release')).json<{ released: number; open: number }>();
  assert.deepEqual(released, { released: 5, open: 0 });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(tcpSockets(), before);
});

test('bad or oversized inputs get a 400 naming the parameter', async (t) => {
  const app = buildTarget();
  t.after(() => app.close());
  const cases: [string, RegExp][] = [
    ['/block?ms=1e9', new RegExp(`ms must be <= ${LIMITS.blockMs}`)],
    ['/block?ms=abc', /ms must be integer/],
    ['/block?ms=-1', /ms must be >= 0/],
    ['/pbkdf2?iterations=0', /iterations must be >= 1/],
    ['/pbkdf2?iterations=99999999', /iterations must be <=/],
    ['/leak?n=100000', /n must be <=/],
  ];
  for (const [url, message] of cases) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 400, url);
    assert.match(res.json<{ message: string }>().message, message, url);
  }
});

test('the leak cap is enforced across requests', async (t) => {
  // The real cap (thousands of sockets) is slow to reach; the same check with a small one.
  const limits = { ...LIMITS, leakPerRequest: 20, leakTotal: 50 };
  const app = buildTarget(limits);
  t.after(() => app.close());
  const perRequest = limits.leakPerRequest;
  let open = 0;
  while (open + perRequest <= limits.leakTotal) {
    open = (await app.inject(`/leak?n=${perRequest}`)).json<{ open: number }>().open;
  }
  const res = await app.inject(`/leak?n=${perRequest}`);
  assert.equal(res.statusCode, 400);
  assert.match(res.json<{ message: string }>().message, /n: .* exceed the cap/);
  assert.equal((await app.inject('/leak/release')).json<{ released: number }>().released, open);
});
