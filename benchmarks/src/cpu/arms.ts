/**
 * The idle-app configurations compared side by side: no tool, the
 * loopscope agent, prom-client and the OpenTelemetry runtime
 * instrumentation, at 1 s and 10 s, with and without 10,000 open sockets;
 * and the agent's samplers with the export paths it could use (its own
 * serializer, the SDK's protobuf exporter, the SDK's JSON exporter).
 */
export type Tool = 'none' | 'loopscope' | 'loopscope-sdkproto' | 'prom' | 'otel';

export interface Arm {
  readonly id: string;
  readonly tool: Tool;
  /** Export (loopscope, otel) or scrape (prom) interval. */
  readonly intervalMs: number;
  readonly sockets: number;
  /** Extra environment, e.g. the watchdog off. */
  readonly env?: Readonly<Record<string, string>>;
  readonly note?: string;
}

const NO_WATCHDOG = { LOOPSCOPE_BLOCK_THRESHOLD_MS: '0' };
const JSON_EXPORT = { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json' };
export const SOCKETS = 10_000;

export const ARMS: readonly Arm[] = [
  { id: 'none', tool: 'none', intervalMs: 0, sockets: 0 },
  { id: 'none-aa', tool: 'none', intervalMs: 0, sockets: 0, note: 'A/A twin of none' },
  { id: 'loopscope-1s', tool: 'loopscope', intervalMs: 1000, sockets: 0 },
  {
    id: 'loopscope-1s-nowatchdog',
    tool: 'loopscope',
    intervalMs: 1000,
    sockets: 0,
    env: NO_WATCHDOG,
  },
  {
    id: 'loopscope-1s-sdkproto',
    tool: 'loopscope-sdkproto',
    intervalMs: 1000,
    sockets: 0,
    note: "the agent's samplers and watchdog (registerLoopscopeMetrics) on an SDK MeterProvider with the SDK's OTLP/protobuf exporter",
  },
  {
    id: 'loopscope-1s-json',
    tool: 'loopscope',
    intervalMs: 1000,
    sockets: 0,
    env: JSON_EXPORT,
    note: "the agent with http/json: the SDK's OTLP/JSON serializer on the agent's exporter",
  },
  { id: 'loopscope-10s', tool: 'loopscope', intervalMs: 10_000, sockets: 0 },
  { id: 'prom-1s', tool: 'prom', intervalMs: 1000, sockets: 0 },
  { id: 'prom-10s', tool: 'prom', intervalMs: 10_000, sockets: 0 },
  { id: 'otel-1s', tool: 'otel', intervalMs: 1000, sockets: 0 },
  { id: 'otel-10s', tool: 'otel', intervalMs: 10_000, sockets: 0 },
  { id: 'none-10k', tool: 'none', intervalMs: 0, sockets: SOCKETS },
  { id: 'loopscope-1s-10k', tool: 'loopscope', intervalMs: 1000, sockets: SOCKETS },
  { id: 'prom-1s-10k', tool: 'prom', intervalMs: 1000, sockets: SOCKETS },
  { id: 'otel-1s-10k', tool: 'otel', intervalMs: 1000, sockets: SOCKETS },
  { id: 'loopscope-10s-10k', tool: 'loopscope', intervalMs: 10_000, sockets: SOCKETS },
  { id: 'prom-10s-10k', tool: 'prom', intervalMs: 10_000, sockets: SOCKETS },
  { id: 'otel-10s-10k', tool: 'otel', intervalMs: 10_000, sockets: SOCKETS },
];

/** The arms the memory benchmark needs when run on its own. */
export const MEMORY_ARMS: readonly string[] = [
  'none',
  'none-aa',
  'loopscope-1s',
  'loopscope-1s-nowatchdog',
  'prom-1s',
  'otel-1s',
];

/** The no-tool arm with the same sockets: what an arm's overhead is measured against. */
export function baselineOf(arm: Arm): string {
  return arm.sockets > 0 ? 'none-10k' : 'none';
}
