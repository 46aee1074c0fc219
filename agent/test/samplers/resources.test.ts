import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { stat } from 'node:fs';
import { registerLoopscopeMetrics } from '../../src/run-samplers.js';
import { ATTR, METRICS } from '../../src/names.js';
import {
  activeResources,
  countByType,
  LARGE_RESOURCE_COUNT,
} from '../../src/samplers/resources.js';
import { find, memoryMetrics, value } from '../helpers/memory.js';
import type { SamplerContext } from '../../src/sampler.js';

test('counts active resources by type, adjacent or not', () => {
  assert.deepEqual(
    [
      ...countByType([
        'TCPSocketWrap',
        'TCPSocketWrap',
        'Timeout',
        'TCPSocketWrap',
        'Timeout',
        'Timeout',
      ]),
    ],
    [
      ['TCPSocketWrap', 3],
      ['Timeout', 3],
    ],
  );
  assert.deepEqual([...countByType([])], []);
});

test('large counts are reused between refreshes, small counts are read at every collection', () => {
  const sampler = activeResources({} as SamplerContext)!;
  const timeouts = (): number => {
    let n = 0;
    sampler.collect!((metric, count, attributes) => {
      if (metric === METRICS.resourceActive && attributes?.[ATTR.resourceType] === 'Timeout')
        n = count;
    });
    return n;
  };
  const few = Array.from({ length: 10 }, () => setTimeout(() => {}, 60_000));
  const fewCount = timeouts();
  assert.ok(fewCount >= 10);
  few.forEach(clearTimeout);
  // Margin for the test runner's own timers.
  assert.ok(timeouts() <= fewCount - 5, 'small counts are fresh');

  const many = Array.from({ length: LARGE_RESOURCE_COUNT + 200 }, () =>
    setTimeout(() => {}, 60_000),
  );
  const manyCount = timeouts();
  assert.ok(manyCount >= LARGE_RESOURCE_COUNT + 200);
  many.forEach(clearTimeout);
  // Within REFRESH_MS (10 s) of the last call: the large counts are reported again.
  assert.equal(timeouts(), manyCount);
});

test('in-flight fs requests show as pending pool requests; unused pool types read 0', async (t) => {
  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  // fs.stat, not fs.readFile: on Node 26 an in-flight readFile (callback or promise) is
  // no longer listed by process.getActiveResourcesInfo(); stat is, on every line.
  const done = Array.from(
    { length: 5 },
    () => new Promise((r) => stat(import.meta.filename ?? new URL(import.meta.url).pathname, r)),
  );
  const metrics = await mem.collect();
  await Promise.all(done);
  const pending = find(metrics, METRICS.threadpoolPending.name);
  assert.ok(value(pending, { [ATTR.requestType]: 'FSReqCallback' }) >= 1);
  assert.equal(value(pending, { [ATTR.requestType]: 'GetNameInfoReqWrap' }), 0);
  assert.ok(
    value(find(metrics, METRICS.resourceActive.name), { [ATTR.resourceType]: 'FSReqCallback' }) >=
      1,
  );
});

test('10,000 open sockets: counted, and one collection stays far below a prom-client scrape', async (t) => {
  const server = createServer();
  const accepted: Socket[] = [];
  server.on('connection', (s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const clients: Socket[] = [];
  t.after(() => {
    for (const s of [...clients, ...accepted]) s.destroy();
    server.close();
  });
  // 5,000 connections = 10,000 sockets in this process, opened in batches.
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<void>((resolve, reject) => {
            const s = connect(port, '127.0.0.1', resolve);
            s.on('error', reject);
            clients.push(s);
          }),
      ),
    );
  }
  while (accepted.length < 5000) await new Promise((r) => setImmediate(r));

  const mem = memoryMetrics(t);
  const handle = registerLoopscopeMetrics(mem.meter, { threadPoolProbeIntervalMs: 0 });
  t.after(() => handle.stop());
  const metrics = await mem.collect();
  assert.ok(
    value(find(metrics, METRICS.resourceActive.name), { [ATTR.resourceType]: 'TCPSocketWrap' }) >=
      10_000,
  );
  assert.equal(
    value(find(metrics, METRICS.resourceActive.name), { [ATTR.resourceType]: 'TCPServerWrap' }),
    1,
  );

  // The sampler's own collection, as the SDK calls it. Its cost is CPU time (wall time
  // on a shared machine also counts the wait for a core); the best of five rounds of
  // 101 collections, so a burst of load elsewhere does not decide the result.
  const rounds: { cpu: number; wall: number }[] = [];
  for (let round = 0; round < 5; round++) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 101; i++) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      // A fresh sampler per call: a sampler reuses large counts (see the next test).
      const sampler = activeResources({} as SamplerContext)!;
      sampler.collect!(() => {});
      wall.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[50]!;
    rounds.push({ cpu: median(cpu), wall: median(wall) });
    await new Promise((r) => setTimeout(r, 200));
  }
  const best = rounds.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  t.diagnostic(
    `resources collection with 10,000 sockets, median per round: ${rounds.map((r) => `${r.cpu.toFixed(3)} ms CPU / ${r.wall.toFixed(3)} ms wall`).join(', ')}`,
  );
  // The <= 1 ms goal is measured in benchmarks/ (a quiet machine); here a generous
  // bound still catches a regression to prom-client's ~20 ms per scrape.
  assert.ok(best.cpu <= 5, `median ${best.cpu} ms CPU`);
});
