/**
 * Benchmark 2's child: what one collection costs, in a fresh process
 * holding BENCH_SOCKETS open sockets. BENCH_TOOL picks what is timed:
 * - loopscope: each sampler's collect() and tick() called directly (the
 *   Sampler interface allows it), process.getActiveResourcesInfo() alone,
 *   and the agent's full collection (every sampler through the SDK's
 *   MetricReader) plus the OTLP protobuf serialisation its exporter does;
 * - prom: prom-client's full default scrape, `register.metrics()`;
 * - otel: the OTel runtime instrumentation's full collection + serialisation.
 * Reports milliseconds per call for each.
 */
import type { SamplerContext } from '@loopscope/agent';
import { ANATOMY_CLOCKS } from './cost-rows.js';
import { envInt, envString } from './env.js';
import { RESULT, send } from './message.js';
import { openSockets } from './sockets.js';
import { timeCalls } from './timing.js';

export type CollectionCosts = Record<string, { collect?: number[]; tick?: number[] }>;

const iterations = envInt('BENCH_ITERATIONS', 200);
const spacingMs = envInt('BENCH_SPACING_MS', 2);
const tool = envString('BENCH_TOOL', 'loopscope');
await openSockets(envInt('BENCH_SOCKETS', 0));

/** Collection through the SDK plus the protobuf serialisation an OTLP exporter does. */
async function sdkCollector(
  register: (provider: import('@opentelemetry/sdk-metrics').MeterProvider) => void,
): Promise<() => Promise<void>> {
  const { manualProvider } = await import('../sdk-reader.js');
  const { ProtobufMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
  const sdk = manualProvider({ 'service.name': 'bench' });
  register(sdk.provider);
  return async () => {
    ProtobufMetricsSerializer.serializeRequest(await sdk.collect());
  };
}

const out: CollectionCosts = {};
if (tool === 'loopscope') {
  const { SAMPLERS, IntervalClocks, createSamplerContext, registerLoopscopeMetrics } =
    await import('@loopscope/agent');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const meter = new MeterProvider().getMeter('bench');
  // The agent's defaults for the two periods the samplers read; the watchdog (threshold 0)
  // is left out: it has no collection of its own, and its cost is measured by the idle benchmark.
  const options: SamplerContext['options'] = {
    eventLoopResolutionMs: 100,
    threadPoolProbeIntervalMs: 1000,
    blockThresholdMs: 0,
    blockMaxCapturesPerMinute: 0,
    blockRequestContext: false,
    hotLoopUtilization: 0.9,
    hotLoopSeconds: 5,
  };
  const ctx = createSamplerContext(meter, options);
  const samplers = SAMPLERS.flatMap((factory) => {
    const sampler = factory(ctx);
    return sampler ? [sampler] : [];
  });
  const noop = (): void => {};
  let clock = performance.now();
  for (const s of samplers) {
    out[s.name] = {
      ...(s.collect && { collect: await timeCalls(() => s.collect!(noop), iterations, spacingMs) }),
      // Ticks 2 s apart on the sampler's clock: the thread-pool probe (due every 1 s) is sent
      // on each tick whose previous probe has returned, its most expensive path.
      ...(s.tick && {
        tick: await timeCalls(() => s.tick!((clock += 2000)), iterations, spacingMs),
      }),
    };
    await s.stop?.();
  }
  // What the stall anatomy adds to every heartbeat of the watchdog (10 a second by default).
  const clocks = new IntervalClocks();
  out[ANATOMY_CLOCKS] = { tick: await timeCalls(() => clocks.read(), iterations, spacingMs) };
  clocks.close();
  out['getActiveResourcesInfo() alone'] = {
    collect: await timeCalls(() => process.getActiveResourcesInfo(), iterations, spacingMs),
  };
  const full = await sdkCollector((p) => void registerLoopscopeMetrics(p.getMeter('bench')));
  out['loopscope full collection + protobuf'] = {
    collect: await timeCalls(full, iterations, spacingMs),
  };
} else if (tool === 'prom') {
  const client = await import('prom-client');
  client.collectDefaultMetrics();
  out['prom-client register.metrics()'] = {
    collect: await timeCalls(() => client.register.metrics(), iterations, spacingMs),
  };
} else if (tool === 'otel') {
  const { RuntimeNodeInstrumentation } =
    await import('@opentelemetry/instrumentation-runtime-node');
  const full = await sdkCollector((p) => new RuntimeNodeInstrumentation().setMeterProvider(p));
  out['OTel runtime-node full collection + protobuf'] = {
    collect: await timeCalls(full, iterations, spacingMs),
  };
} else {
  throw new Error(`unknown BENCH_TOOL ${tool}`);
}
send(RESULT, out);
process.exit(0);
