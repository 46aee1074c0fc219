// The collector with a 256 MB heap under the hostile inputs of issue 15:
// hundreds of instances each sending 75 distinct stacks of 64 long frames.
// The block store stays within --max-blocks-bytes (evicting and counting the
// oldest instances) and the process neither crashes nor stops answering;
// likewise the busy-loop store with a quarter of that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUSY_EVENT } from '@loopscope/agent/names';
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

/** One /v1/logs body (OTLP/JSON) with `events` busy-loop events of `frames` long frames each. */
function busyEventsExport(instance: number, events: number, frames: number): string {
  const B = BUSY_EVENT.attributes;
  const str = (stringValue: string) => ({ stringValue });
  const records = Array.from({ length: events }, (_, e) => {
    const fingerprint = (instance * 1000 + e).toString(16);
    const label = `spin${e} (/srv/app/${'deeply/nested/'.repeat(25)}i${instance}.js:1)`;
    return {
      timeUnixNano: String((Date.now() - e) * 1e6),
      eventName: BUSY_EVENT.name,
      attributes: [
        { key: B.durationMs, value: { doubleValue: 5000 + e } },
        { key: B.utilization, value: { doubleValue: 0.97 } },
        { key: B.samples, value: { intValue: 8 } },
        { key: B.hottestSamples, value: { intValue: 7 } },
        { key: B.fingerprint, value: str(fingerprint) },
        { key: B.label, value: str(label) },
        { key: B.caller, value: str(label) },
        {
          key: B.frames,
          value: str(
            JSON.stringify(
              Array.from({ length: frames }, (_, f) => ({
                function: `handler${f}`,
                file: `/srv/app/${'deeply/nested/'.repeat(25)}i${instance}e${e}f${f}.js`,
                line: f + 1,
                column: 1,
              })),
            ),
          ),
        },
      ],
    };
  });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: str('busy') },
            { key: 'service.instance.id', value: str(`i-${instance}`) },
          ],
        },
        scopeLogs: [{ logRecords: records }],
      },
    ],
  });
}

test(`a 256 MB heap survives ${INSTANCES} instances x 20 busy-loop events of ${FRAMES} long frames`, async (t) => {
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
      body: busyEventsExport(i, 20, FRAMES),
    });
    assert.equal(res.status, 200, `instance ${i}: ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const evicted = sampleValue(
    await scrape(url),
    'loopscope_collector_block_instances_evicted_total',
  );
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.process.pid}/status`, 'utf8'))?.[1];
  t.diagnostic(
    `evicted ${evicted} of ${INSTANCES} instances; collector RSS ${Math.round(Number(rss) / 1024)} MB`,
  );
  assert.ok((evicted ?? 0) > INSTANCES / 2, `evicted ${evicted}`);
  const newest = (await (
    await fetch(`${url}/api/v1/busy?job=busy&instance=i-${INSTANCES - 1}`)
  ).json()) as { recent: unknown[] };
  assert.equal(newest.recent.length, 20);
  const oldest = (await (await fetch(`${url}/api/v1/busy?job=busy&instance=i-0`)).json()) as {
    recent: unknown[];
  };
  assert.equal(oldest.recent.length, 0);
  assert.equal(child.process.exitCode, null, 'still running');
});
