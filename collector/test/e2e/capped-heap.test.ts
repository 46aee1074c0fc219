// The collector with a 256 MB heap under the hostile inputs of issue 15:
// hundreds of instances each sending 75 distinct stacks of 64 long frames.
// The block store stays within --max-blocks-bytes (evicting and counting the
// oldest instances) and the process neither crashes nor stops answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockEventsExport, freePort, startNode } from '@loopscope/testkit';
import { CLI, sampleValue, scrape } from '../helpers/collector.js';

const INSTANCES = 150;
const STACKS = 75;
const FRAMES = 64;

test(`a 256 MB heap survives ${INSTANCES} instances x ${STACKS} stacks of ${FRAMES} long frames`, async (t) => {
  const port = await freePort();
  const child = startNode([
    '--max-old-space-size=256',
    CLI,
    '--port',
    String(port),
    '--no-self-monitor',
    '--max-blocks-bytes',
    '32MiB',
  ]);
  t.after(() => child.stop('SIGKILL', 1000));
  await child.waitForOutput(/loopscope collector listening on/);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < INSTANCES; i++) {
    const res = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: blockEventsExport(i, STACKS, FRAMES),
    });
    assert.equal(res.status, 200, `instance ${i}: ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  const evicted = sampleValue(
    await scrape(url),
    'loopscope_collector_block_instances_evicted_total',
  );
  assert.ok((evicted ?? 0) > INSTANCES / 2, `evicted ${evicted}`);
  // The newest instance is kept, the oldest evicted.
  const newest = (await (
    await fetch(`${url}/api/v1/blocks?job=hostile&instance=i-${INSTANCES - 1}`)
  ).json()) as { stacks: unknown[] };
  assert.ok(newest.stacks.length > 0);
  const oldest = (await (await fetch(`${url}/api/v1/blocks?job=hostile&instance=i-0`)).json()) as {
    stacks: unknown[];
  };
  assert.equal(oldest.stacks.length, 0);
  assert.equal(child.process.exitCode, null, 'still running');
});
