import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ATTR, BLOCK_EVENT, METRICS, SCOPE_NAME } from '@loopscope/agent/names';
import { freePort, startNode } from '@loopscope/testkit';
import { SourceError } from '../../src/errors.js';
import { CollectorSource } from '../../src/server/collector.js';
import { REPO_DIR } from '../helpers/paths.js';

const COLLECTOR_CLI = join(REPO_DIR, 'collector', 'dist', 'src', 'cli.js');
const str = (stringValue: string) => ({ stringValue });
const resourceOf = (instance: string) => ({
  attributes: [
    { key: 'service.namespace', value: str('shop') },
    { key: 'service.name', value: str('api') },
    { key: 'service.instance.id', value: str(instance) },
  ],
});
const resource = resourceOf('pod-1');
const nanos = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

/** One export as an agent would send it: utilization and active resources by type (raw OTLP/JSON). */
const metricsExport = (utilization: number, sockets: number, instance = 'pod-1') => ({
  resourceMetrics: [
    {
      resource: resourceOf(instance),
      scopeMetrics: [
        {
          scope: { name: SCOPE_NAME },
          metrics: [
            {
              name: METRICS.eventloopUtilization.name,
              unit: METRICS.eventloopUtilization.unit,
              gauge: { dataPoints: [{ timeUnixNano: nanos(Date.now()), asDouble: utilization }] },
            },
            {
              name: METRICS.resourceActive.name,
              unit: METRICS.resourceActive.unit,
              gauge: {
                dataPoints: [
                  {
                    timeUnixNano: nanos(Date.now()),
                    asInt: String(sockets),
                    attributes: [{ key: ATTR.resourceType, value: str('TCPSocketWrap') }],
                  },
                  {
                    timeUnixNano: nanos(Date.now()),
                    asInt: '2',
                    attributes: [{ key: ATTR.resourceType, value: str('Timeout') }],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
});

const A = BLOCK_EVENT.attributes;
const blockEvent = (timeMs: number, durationMs: number, fingerprint: string, fn: string) => ({
  timeUnixNano: nanos(timeMs),
  eventName: BLOCK_EVENT.name,
  attributes: [
    { key: A.durationMs, value: { doubleValue: durationMs } },
    { key: A.thresholdMs, value: { doubleValue: 100 } },
    { key: A.fingerprint, value: str(fingerprint) },
    {
      key: A.frames,
      value: str(
        JSON.stringify([{ function: fn, file: '/srv/app/handlers.js', line: 42, column: 7 }]),
      ),
    },
  ],
});

test(
  'the collector source reads signals and the run’s blocking stacks from a real collector',
  { timeout: 60_000 },
  async (t) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const collector = startNode([COLLECTOR_CLI, '--port', String(port)], { cwd: REPO_DIR });
    t.after(() => collector.stop());
    await collector.waitForOutput(/listening on/);

    const fromMs = Date.now();
    for (const [elu, sockets] of [
      [0.2, 3],
      [0.9, 7],
      [0.4, 5],
    ] as const) {
      await post(`${url}/v1/metrics`, metricsExport(elu, sockets));
      await new Promise((r) => setTimeout(r, 50));
    }
    const now = Date.now();
    await post(`${url}/v1/logs`, {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: SCOPE_NAME },
              logRecords: [
                blockEvent(now - 30, 180, 'a1', 'renderReport'),
                blockEvent(now - 20, 150, 'a1', 'renderReport'),
                blockEvent(now - 10, 220, 'b2', 'parseHugeJson'),
                // Before the run's window: not counted.
                blockEvent(fromMs - 60_000, 900, 'b2', 'parseHugeJson'),
              ],
            },
          ],
        },
      ],
    });

    const source = new CollectorSource(url);
    const data = await source.fetch({
      job: 'shop/api',
      fromMs,
      toMs: Date.now() + 1000,
      stepMs: 1000,
    });
    assert.deepEqual(data.instances, ['pod-1']);
    assert.deepEqual(
      data.signals.utilization.map((p) => p.v),
      [0.2, 0.9, 0.4],
    );
    assert.deepEqual(
      data.signals.activeResources.map((p) => p.v),
      [5, 9, 7],
    );
    assert.deepEqual(
      data.blockingStacks?.map((s) => [s.fingerprint, s.count, s.totalMs, s.maxMs, s.frames[0]]),
      [
        ['a1', 2, 330, 180, 'renderReport /srv/app/handlers.js:42:7'],
        ['b2', 1, 220, 220, 'parseHugeJson /srv/app/handlers.js:42:7'],
      ],
    );

    await assert.rejects(
      source.fetch({ job: 'shop/web', fromMs, toMs: Date.now(), stepMs: 1000 }),
      (err: unknown) =>
        err instanceof SourceError &&
        /knows no job "shop\/web" \(jobs it has: .*shop\/api/.test(err.message),
    );
  },
);

test('instances a full collector history does not track are named as missing', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const collector = startNode(
    [COLLECTOR_CLI, '--port', String(port), '--no-self-monitor', '--history-instances', '1'],
    { cwd: REPO_DIR },
  );
  t.after(() => collector.stop());
  await collector.waitForOutput(/listening on/);
  const fromMs = Date.now();
  for (const instance of ['pod-1', 'pod-2', 'pod-3']) {
    await post(`${url}/v1/metrics`, metricsExport(0.5, 1, instance));
  }
  const source = new CollectorSource(url);
  const data = await source.fetch({
    job: 'shop/api',
    fromMs,
    toMs: Date.now() + 1000,
    stepMs: 1000,
  });
  assert.deepEqual(data.instances, ['pod-1']);
  assert.ok(
    data.warnings.some((w) =>
      /history is full \(limit 1, all live\): 2 more instance\(s\) are not in it; .*--history-instances: instances of job "shop\/api"/.test(
        w,
      ),
    ),
    data.warnings.join('\n'),
  );
});
