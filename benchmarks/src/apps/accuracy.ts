/**
 * The accuracy benchmark's child: one tool reading this process's event
 * loop, set up as its docs say (BENCH_TOOL):
 * - loopscope: the agent's samplers on an SDK MeterProvider (defaults: one
 *   100 ms tick; the pool probe every BENCH_PROBE_MS);
 * - prom: prom-client's default metrics (monitorEventLoopDelay, resolution
 *   10, reset at each scrape), read with `register.getMetricsAsJSON()`;
 * - otel: @opentelemetry/instrumentation-runtime-node (monitorEventLoopDelay,
 *   `monitoringPrecision` 10, reset at each collection);
 * - spi: monitorEventLoopDelay({ resolution: 10, samplePerIteration: true })
 *   (Node >= 24.19 / 26.5; reported as unsupported elsewhere).
 * Every reading is one collection window: max, p50 and p99 in milliseconds
 * of what the tool would export for it. Phases: warm-up, idle windows,
 * blocks (each its own window), and for loopscope the idle pool's probe.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from '@loopscope/collector/histogram-quantile';
import { envInt, envString } from './env.js';
import { RESULT, send } from './message.js';

export interface Reading {
  readonly max: number;
  readonly p50: number;
  readonly p99: number;
}

export interface BlockReading {
  readonly block: number;
  /** The blocking callback's own measure, ms. */
  readonly took: number;
  /** The window's max as the tool reports it, ms. */
  readonly max: number;
}

export interface AccuracyResult {
  readonly node: string;
  readonly supported: boolean;
  readonly uvMetricsInfo: boolean;
  readonly idle: readonly Reading[];
  readonly blocks: readonly BlockReading[];
  /** loopscope only: the idle pool's probe round trip over the pool phase, ms. */
  readonly pool?: { readonly count: number; readonly p50: number; readonly p99: number };
}

interface Tool {
  read(): Promise<Reading>;
  /** The cumulative pool probe histogram (loopscope only). */
  pool?(): Promise<Histogram>;
}

interface Histogram {
  readonly boundaries: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
}

const tool = envString('BENCH_TOOL', 'loopscope');
const idleWindows = envInt('BENCH_IDLE_WINDOWS', 5);
const windowMs = envInt('BENCH_WINDOW_MS', 2000);
const blocks = envString('BENCH_BLOCKS', '20,50,200,1000').split(',').filter(Boolean).map(Number);
const poolMs = envInt('BENCH_POOL_MS', 5000);
const probeMs = envInt('BENCH_PROBE_MS', 100);

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const hasSamplePerIteration = major >= 26 ? major > 26 || minor >= 5 : major === 24 && minor >= 19;

async function sdkTool(
  register: (provider: import('@opentelemetry/sdk-metrics').MeterProvider) => void,
  names: { max: string; p50: string; p99: string; pool?: string },
): Promise<Tool> {
  const { manualProvider } = await import('../sdk-reader.js');
  const sdk = manualProvider({ 'service.name': 'bench-accuracy' });
  register(sdk.provider);
  const collect = async () => (await sdk.collect()).scopeMetrics.flatMap((s) => s.metrics);
  const gauge = (metrics: Awaited<ReturnType<typeof collect>>, name: string): number => {
    const v = metrics.find((m) => m.descriptor.name === name)?.dataPoints[0]?.value;
    return typeof v === 'number' ? v * 1000 : NaN;
  };
  return {
    async read() {
      const m = await collect();
      return { max: gauge(m, names.max), p50: gauge(m, names.p50), p99: gauge(m, names.p99) };
    },
    ...(names.pool && {
      async pool() {
        const point = (await collect()).find((m) => m.descriptor.name === names.pool)?.dataPoints[0]
          ?.value as
          { buckets: { boundaries: number[]; counts: number[] }; count: number } | undefined;
        if (!point) throw new Error(`no ${names.pool} yet`);
        return { ...point.buckets, count: point.count };
      },
    }),
  };
}

async function setUp(): Promise<Tool | undefined> {
  if (tool === 'loopscope') {
    const { METRICS, registerLoopscopeMetrics } = await import('@loopscope/agent');
    return sdkTool(
      (provider) =>
        registerLoopscopeMetrics(provider.getMeter('loopscope'), {
          threadPoolProbeIntervalMs: probeMs,
        }),
      {
        max: METRICS.eventloopDelayMax.name,
        p50: METRICS.eventloopDelayP50.name,
        p99: METRICS.eventloopDelayP99.name,
        pool: METRICS.threadpoolQueueDelay.name,
      },
    );
  }
  if (tool === 'otel') {
    const { RuntimeNodeInstrumentation } =
      await import('@opentelemetry/instrumentation-runtime-node');
    return sdkTool((provider) => new RuntimeNodeInstrumentation().setMeterProvider(provider), {
      max: 'nodejs.eventloop.delay.max',
      p50: 'nodejs.eventloop.delay.p50',
      p99: 'nodejs.eventloop.delay.p99',
    });
  }
  if (tool === 'prom') {
    const client = await import('prom-client');
    const register = new client.Registry();
    client.collectDefaultMetrics({ register });
    return {
      async read() {
        const all = await register.getMetricsAsJSON();
        const value = (name: string): number =>
          (all.find((m) => m.name === name)?.values[0]?.value ?? NaN) * 1000;
        return {
          max: value('nodejs_eventloop_lag_max_seconds'),
          p50: value('nodejs_eventloop_lag_p50_seconds'),
          p99: value('nodejs_eventloop_lag_p99_seconds'),
        };
      },
    };
  }
  if (tool === 'spi') {
    if (!hasSamplePerIteration) return undefined;
    // Not in @types/node 20's options; ignored by Node lines that lack it.
    const h = monitorEventLoopDelay({ resolution: 10, samplePerIteration: true } as {
      resolution: number;
    });
    h.enable();
    return {
      read() {
        const r = { max: h.max / 1e6, p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6 };
        h.reset();
        return Promise.resolve(r);
      },
    };
  }
  throw new Error(`unknown BENCH_TOOL ${tool}`);
}

function block(ms: number): number {
  const start = performance.now();
  while (performance.now() - start < ms);
  return performance.now() - start;
}

const reader = await setUp();
const uvMetricsInfo = 'uvMetricsInfo' in performance.nodeTiming;
if (!reader) {
  send(RESULT, {
    node: process.version,
    supported: false,
    uvMetricsInfo,
    idle: [],
    blocks: [],
  } satisfies AccuracyResult);
  process.exit(0);
}

// Warm-up: first collections compile the exporters' and samplers' code.
await sleep(1000);
await reader.read();
await sleep(1000);
await reader.read();

const idle: Reading[] = [];
for (let i = 0; i < idleWindows; i++) {
  await sleep(windowMs);
  idle.push(await reader.read());
}

const blockReadings: BlockReading[] = [];
for (const ms of blocks) {
  await sleep(300);
  await reader.read();
  const took = await new Promise<number>((resolve) => setTimeout(() => resolve(block(ms)), 5));
  await sleep(300);
  blockReadings.push({ block: ms, took, max: (await reader.read()).max });
}

let pool: AccuracyResult['pool'];
if (reader.pool && poolMs > 0) {
  await sleep(500);
  const before = await reader.pool();
  await sleep(poolMs);
  const after = await reader.pool();
  const delta: Histogram = {
    boundaries: after.boundaries,
    counts: after.counts.map((c, i) => c - (before.counts[i] ?? 0)),
    count: after.count - before.count,
  };
  pool = {
    count: delta.count,
    p50: (quantile(0.5, { bounds: delta.boundaries, counts: delta.counts }) ?? NaN) * 1000,
    p99: (quantile(0.99, { bounds: delta.boundaries, counts: delta.counts }) ?? NaN) * 1000,
  };
}

send(RESULT, {
  node: process.version,
  supported: true,
  uvMetricsInfo,
  idle,
  blocks: blockReadings,
  ...(pool && { pool }),
} satisfies AccuracyResult);
process.exit(0);
