export { startAgent, type AgentHandle } from './start.js';
export {
  registerLoopscopeMetrics,
  createSamplerContext,
  type LoopscopeMetrics,
} from './run-samplers.js';
export type { AgentOptions, SamplerOptions, OtlpProtocol } from './options.js';
export type { AgentComponent } from './component.js';
export type { Sampler, SamplerContext, SamplerFactory, Observe } from './sampler.js';
export { SAMPLERS } from './samplers/index.js';
export {
  LoopscopeMetricExporter,
  type LoopscopeMetricExporterConfig,
} from './export/otlp-metric-exporter.js';
export { OtlpMetricsProtobufSerializer } from './export/otlp-metrics-protobuf.js';
export { startWatchdog } from './watchdog/start-watchdog.js';
export type { Watchdog, WatchdogStats } from './watchdog/watchdog.js';
export type { LoopTick } from './loop/loop-monitor.js';
// The stall anatomy's per-heartbeat clock read, exported for its cost benchmark.
export { IntervalClocks } from './watchdog/interval-clocks.js';
export type { BlockOptions } from './watchdog/block-options.js';
export * from './names.js';
