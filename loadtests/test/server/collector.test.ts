import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ATTR, BLOCK_EVENT, METRICS, SCOPE_NAME } from '@loopscope/agent/names';
import { freePort, startNode } from '@loopscope/testkit';
import { SourceError } from '../../src/errors.js';
import { CollectorSource, integrateRate } from '../../src/server/collector.js';
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

/** The agent's stall counter as it exports it: cumulative, from 0 at the process's start. */
const STARTED_MS = Date.now();
const blocksCounter = (value: number) => ({
  name: METRICS.eventloopBlocks.name,
  unit: METRICS.eventloopBlocks.unit,
  sum: {
    aggregationTemporality: 2,
    isMonotonic: true,
    dataPoints: [
      {
        startTimeUnixNano: nanos(STARTED_MS),
        timeUnixNano: nanos(Date.now()),
        asInt: String(value),
      },
    ],
  },
});

/** One export as an agent would send it: utilization and active resources by type (raw OTLP/JSON). */
const metricsExport = (
  utilization: number,
  sockets: number,
  instance = 'pod-1',
  blocks?: number,
) => ({
  resourceMetrics: [
    {
      resource: resourceOf(instance),
      scopeMetrics: [
        {
          scope: { name: SCOPE_NAME },
          metrics: [
            ...(blocks === undefined ? [] : [blocksCounter(blocks)]),
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
const num = (doubleValue: number) => ({ doubleValue });
/** A stall that mostly waited for a CPU, as the agent's anatomy reports it (ms). */
const starvedAnatomy = [
  { key: A.cpuMs, value: num(30) },
  { key: A.gcMs, value: num(0) },
  { key: A.cpuWaitMs, value: num(110) },
  { key: A.throttledMs, value: num(40) },
  { key: A.offCpuMs, value: num(10) },
  { key: A.cause, value: str('cpu_starved') },
];
const blockEvent = (
  timeMs: number,
  durationMs: number,
  fingerprint: string,
  fn: string,
  anatomy: readonly { key: string; value: unknown }[] = [],
) => ({
  timeUnixNano: nanos(timeMs),
  eventName: BLOCK_EVENT.name,
  attributes: [
    ...anatomy,
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
    for (const [elu, sockets, blocks] of [
      [0.2, 3, 0],
      [0.9, 7, 5],
      [0.4, 5, 12],
    ] as const) {
      await post(`${url}/v1/metrics`, metricsExport(elu, sockets, 'pod-1', blocks));
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
                blockEvent(now - 20, 150, 'a1', 'renderReport', starvedAnatomy),
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

    // The one stall with an anatomy: its stack's share by cause, the run's captured stall time.
    assert.deepEqual(data.blockingStacks?.[0]?.anatomy, {
      measured: 1,
      byCause: { code: 30, gc: 0, cpu_starved: 110, syscall: 10 },
      throttledMs: 40,
      starved: 1,
    });
    assert.equal(data.blockingStacks?.[1]?.anatomy, undefined);
    assert.deepEqual(data.stallTime, {
      byCause: { code: 30, gc: 0, cpu_starved: 110, syscall: 10 },
      from: 'captured',
      stalls: 1,
    });
    // The collector serves the stall-time series, but no agent here sent that counter: the
    // captured stalls stand in, labelled as such (from: 'captured' above).
    // Stalls are counted by the agent's counter (12), of which the 3 stacks are a sample.
    assert.equal(data.stallsCounted, 12);

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

test('a rate series (seconds per second, one value per export) integrates to the time it adds up to', () => {
  const body = {
    t: [1_000, 2_000, 3_000, 5_000],
    series: [
      { name: 'cpu_starved', values: [9, 0.5, null, 0.25] },
      { name: 'code', values: [0, 0, 0, 0] },
    ],
  } as unknown as Parameters<typeof integrateRate>[0];
  // The first value covers time before the window: left out. 0.5 s/s x 1 s + 0.25 s/s x 2 s.
  assert.equal(integrateRate(body, 'cpu_starved'), 1_000);
  assert.equal(integrateRate(body, 'code'), 0);
  assert.equal(integrateRate(body, 'syscall'), null);
});
