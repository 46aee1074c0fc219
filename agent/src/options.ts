/**
 * Agent configuration: the public options type, the defaults, and the one
 * normalizer that merges code options over `OTEL_*` / `LOOPSCOPE_*`
 * environment variables. Code options win over environment variables, and
 * signal-specific OTLP variables win over the generic ones, as in the
 * OpenTelemetry specification. Every bad value throws a ConfigError naming
 * the variable or option; callers turn that into one message and run without
 * the agent.
 */
import { randomUUID } from 'node:crypto';
import { defaultServiceName } from '@opentelemetry/resources';
import {
  ConfigError,
  parseBoolean,
  parseChoice,
  parseKeyValueList,
  parseMs,
  parseString,
  parseUrl,
} from './parse.js';
import { BLOCK_ENV, resolveBlockOptions, type BlockOptions } from './watchdog/options.js';

export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof PROTOCOLS)[number];

/** Options of the samplers, shared by `startAgent` and `registerLoopscopeMetrics`. */
export interface SamplerOptions extends BlockOptions {
  /** Period of the agent's one shared timer (`LOOPSCOPE_EVENTLOOP_RESOLUTION_MS`, default 100). */
  eventLoopResolutionMs?: number;
  /** How often a probe task is sent through the libuv thread pool; 0 disables (`LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS`, default 1000). */
  threadPoolProbeIntervalMs?: number;
}

export interface AgentOptions extends SamplerOptions {
  /** `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** `service.instance.id`; a random UUID when not given here or in `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceInstanceId?: string;
  /** Merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** Base OTLP/HTTP endpoint, `/v1/metrics` is appended (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  endpoint?: string;
  /** Full metrics URL, used as is (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`). */
  metricsEndpoint?: string;
  /** `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  protocol?: OtlpProtocol;
  /** Merged over `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_EXPORTER_OTLP_METRICS_HEADERS`. */
  headers?: Record<string, string>;
  /** `OTEL_METRIC_EXPORT_INTERVAL`. */
  exportIntervalMs?: number;
  /** `OTEL_METRIC_EXPORT_TIMEOUT`; clamped to the interval. */
  exportTimeoutMs?: number;
  /** `OTEL_SDK_DISABLED`. */
  disabled?: boolean;
  /** Flush on SIGTERM/SIGINT (`LOOPSCOPE_HANDLE_SIGNALS`, default true). */
  handleSignals?: boolean;
}

export interface ResolvedSamplerOptions {
  readonly eventLoopResolutionMs: number;
  readonly threadPoolProbeIntervalMs: number;
  readonly blockThresholdMs: number;
  readonly blockMaxCapturesPerMinute: number;
  readonly blockRequestContext: boolean;
}

export interface ResolvedOptions extends ResolvedSamplerOptions {
  readonly serviceName: string;
  readonly serviceInstanceId: string;
  /** User resource attributes (env, then code), without service.name/instance.id. */
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly metricsUrl: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly exportIntervalMs: number;
  readonly exportTimeoutMs: number;
  readonly handleSignals: boolean;
}

export const DEFAULTS = {
  eventLoopResolutionMs: 100,
  threadPoolProbeIntervalMs: 1000,
  endpoint: 'http://localhost:4318',
  protocol: 'http/protobuf',
  exportIntervalMs: 10_000,
  exportTimeoutMs: 30_000,
  handleSignals: true,
} as const;

/** The environment variables read, by option: the first one set wins. */
export const ENV = {
  eventLoopResolutionMs: ['LOOPSCOPE_EVENTLOOP_RESOLUTION_MS'],
  threadPoolProbeIntervalMs: ['LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS'],
  blockThresholdMs: [BLOCK_ENV.blockThresholdMs],
  blockMaxCapturesPerMinute: [BLOCK_ENV.blockMaxCapturesPerMinute],
  blockRequestContext: [BLOCK_ENV.blockRequestContext],
  handleSignals: ['LOOPSCOPE_HANDLE_SIGNALS'],
  disabled: ['OTEL_SDK_DISABLED'],
  serviceName: ['OTEL_SERVICE_NAME'],
  resourceAttributes: ['OTEL_RESOURCE_ATTRIBUTES'],
  metricsEndpoint: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
  endpoint: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
  protocol: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  headers: ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'],
  exportIntervalMs: ['OTEL_METRIC_EXPORT_INTERVAL'],
  exportTimeoutMs: ['OTEL_METRIC_EXPORT_TIMEOUT'],
} as const satisfies Partial<Record<keyof AgentOptions, readonly string[]>>;

const OPTION_KEYS: readonly (keyof AgentOptions)[] = [
  'serviceName',
  'serviceInstanceId',
  'resourceAttributes',
  'endpoint',
  'metricsEndpoint',
  'protocol',
  'headers',
  'exportIntervalMs',
  'exportTimeoutMs',
  'disabled',
  'handleSignals',
  'eventLoopResolutionMs',
  'threadPoolProbeIntervalMs',
  'blockThresholdMs',
  'blockMaxCapturesPerMinute',
  'blockRequestContext',
];

type Env = Readonly<Record<string, string | undefined>>;

/** A setting's raw value and where it came from: the code option, else the first env var set. */
function pick(
  key: keyof typeof ENV,
  code: AgentOptions,
  env: Env,
): { raw: unknown; source: string } | undefined {
  if (code[key] !== undefined) return { raw: code[key], source: `option ${key}` };
  for (const name of ENV[key]) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return { raw, source: name };
  }
  return undefined;
}

function setting<T>(
  key: keyof typeof ENV,
  code: AgentOptions,
  env: Env,
  fallback: T,
  parse: (raw: unknown, source: string) => T,
): T {
  const found = pick(key, code, env);
  return found ? parse(found.raw, found.source) : fallback;
}

/** Options that are not ours: a typo must not pass silently. Returns a warning, or undefined. */
export function unknownOptions(code: object, env: Env): string | undefined {
  const known = new Set<string>(Object.values(ENV).flat());
  const unknown = [
    ...Object.keys(code).filter((k) => !OPTION_KEYS.includes(k as keyof AgentOptions)),
    ...Object.keys(env).filter((k) => k.startsWith('LOOPSCOPE_') && !known.has(k)),
  ];
  if (unknown.length === 0) return undefined;
  const vars = [...known].filter((k) => k.startsWith('LOOPSCOPE_'));
  return `ignoring unknown setting(s) ${unknown.join(', ')}; known options: ${OPTION_KEYS.join(', ')}; known variables: ${vars.join(', ')}`;
}

export function resolveSamplerOptions(
  code: SamplerOptions = {},
  env: Env = process.env,
): ResolvedSamplerOptions {
  const block = resolveBlockOptions(code, env);
  return {
    eventLoopResolutionMs: setting(
      'eventLoopResolutionMs',
      code,
      env,
      DEFAULTS.eventLoopResolutionMs,
      (r, s) => parseMs(r, s, 1, 60_000),
    ),
    threadPoolProbeIntervalMs: setting(
      'threadPoolProbeIntervalMs',
      code,
      env,
      DEFAULTS.threadPoolProbeIntervalMs,
      (r, s) => parseMs(r, s, 0, 3_600_000),
    ),
    blockThresholdMs: block.thresholdMs,
    blockMaxCapturesPerMinute: block.maxCapturesPerMinute,
    blockRequestContext: block.requestContext,
  };
}

/** Signal-specific URL as is, else the base endpoint with `/v1/metrics` appended. */
function metricsUrl(code: AgentOptions, env: Env): string {
  const codeFull = code.metricsEndpoint !== undefined;
  const codeBase = code.endpoint !== undefined;
  const full = pick('metricsEndpoint', code, env);
  const base = pick('endpoint', code, env);
  if (full && (codeFull || !codeBase)) return parseUrl(full.raw, full.source).href;
  if (!base) return new URL('v1/metrics', `${DEFAULTS.endpoint}/`).href;
  const url = parseUrl(base.raw, base.source);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL('v1/metrics', url).href;
}

function headers(code: AgentOptions, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ENV.headers) {
    const raw = env[name];
    if (raw !== undefined) Object.assign(out, parseKeyValueList(raw, name));
  }
  if (code.headers !== undefined)
    Object.assign(out, parseKeyValueList(code.headers, 'option headers'));
  return out;
}

/** `OTEL_SDK_DISABLED` / option `disabled`; checked first so a disabled agent validates nothing else. */
export function isDisabled(code: AgentOptions = {}, env: Env = process.env): boolean {
  return setting('disabled', code, env, false, parseBoolean);
}

/** Merges code options over the environment and validates everything; throws ConfigError. */
export function resolveOptions(code: AgentOptions = {}, env: Env = process.env): ResolvedOptions {
  if (typeof code !== 'object' || code === null) {
    throw new ConfigError('options', 'invalid options: expected an object');
  }
  const attrs: Record<string, string | number | boolean> = {};
  const envAttrs = env.OTEL_RESOURCE_ATTRIBUTES;
  if (envAttrs !== undefined)
    Object.assign(attrs, parseKeyValueList(envAttrs, 'OTEL_RESOURCE_ATTRIBUTES'));
  if (code.resourceAttributes !== undefined) {
    parseKeyValueList(code.resourceAttributes, 'option resourceAttributes');
    Object.assign(attrs, code.resourceAttributes);
  }
  const serviceName =
    code.serviceName !== undefined
      ? parseString(code.serviceName, 'option serviceName')
      : setting(
          'serviceName',
          {},
          env,
          String(attrs['service.name'] ?? defaultServiceName()),
          parseString,
        );
  const serviceInstanceId =
    code.serviceInstanceId !== undefined
      ? parseString(code.serviceInstanceId, 'option serviceInstanceId')
      : String(attrs['service.instance.id'] ?? randomUUID());
  delete attrs['service.name'];
  delete attrs['service.instance.id'];

  const exportIntervalMs = setting(
    'exportIntervalMs',
    code,
    env,
    DEFAULTS.exportIntervalMs,
    (r, s) => parseMs(r, s, 1, 86_400_000),
  );
  const exportTimeoutMs = setting('exportTimeoutMs', code, env, DEFAULTS.exportTimeoutMs, (r, s) =>
    parseMs(r, s, 1, 86_400_000),
  );
  return {
    ...resolveSamplerOptions(code, env),
    serviceName,
    serviceInstanceId,
    resourceAttributes: attrs,
    metricsUrl: metricsUrl(code, env),
    protocol: setting('protocol', code, env, DEFAULTS.protocol as OtlpProtocol, (r, s) =>
      parseChoice(r, s, PROTOCOLS),
    ),
    headers: headers(code, env),
    exportIntervalMs,
    // The SDK's reader requires timeout <= interval; the spec default (30 s) is longer than ours.
    exportTimeoutMs: Math.min(exportTimeoutMs, exportIntervalMs),
    handleSignals: setting('handleSignals', code, env, DEFAULTS.handleSignals, parseBoolean),
  };
}
