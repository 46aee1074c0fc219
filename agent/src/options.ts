/**
 * Every setting of the agent, once: its code option, the environment
 * variables it is read from, its default, its README line and how a raw
 * value becomes a config value (`SETTINGS`, modelled on the collector's
 * `cli/options.ts`). `resolveOptions` reads the table once into a frozen
 * object that is passed down; nothing else reads the environment.
 *
 * Code options win over environment variables, and signal-specific OTLP
 * variables win over the generic ones, as in the OpenTelemetry
 * specification. Every bad value throws a ConfigError naming the variable or
 * option; callers turn that into one message and run without the agent.
 *
 * Adding a setting: one row in SETTINGS (it then appears in ResolvedOptions),
 * a field in AgentOptions when it has a code option, its README row.
 */
import { randomUUID } from 'node:crypto';
import { defaultServiceName } from '@opentelemetry/resources';
import {
  ConfigError,
  parseBoolean,
  parseChoice,
  parseCount,
  parseKeyValueList,
  parseMs,
  parseRatio,
  parseString,
  parseUrl,
} from './setting-parsers.js';
import { addSecrets } from './redact.js';

export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof PROTOCOLS)[number];

type Attributes = Record<string, string | number | boolean>;
type Env = Readonly<Record<string, string | undefined>>;

/** Options of the blocked-loop watchdog. */
export interface BlockOptions {
  /** A stall at least this long is counted and its stack captured; 0 turns the watchdog off (`LOOPSCOPE_BLOCK_THRESHOLD_MS`, default 100). */
  blockThresholdMs?: number;
  /** Stack captures allowed per minute; 0 measures stalls without taking stacks (`LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN`, default 10). */
  blockMaxCapturesPerMinute?: number;
  /** Record which HTTP request each stall hit through AsyncLocalStorage (`LOOPSCOPE_BLOCK_REQUEST_CONTEXT`; default true on Node 24+, false before). */
  blockRequestContext?: boolean;
  /** Event-loop utilization (0-1] that counts as busy (`LOOPSCOPE_HOT_LOOP_UTILIZATION`, default 0.9). */
  hotLoopUtilization?: number;
  /** Whole seconds the loop must stay busy before stacks are sampled; 0 turns busy-loop sampling off (`LOOPSCOPE_HOT_LOOP_SECONDS`, default 5). */
  hotLoopSeconds?: number;
}

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
  resourceAttributes?: Attributes;
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
  /** Longest wait for the last export on a signal (`LOOPSCOPE_SHUTDOWN_FLUSH_MS`, default 2000). */
  shutdownFlushMs?: number;
}

/** One row of the table. */
export interface Setting<T> {
  /** A code option of the row's key exists (false: environment only). */
  readonly option: boolean;
  /** Variables read, in order: the first one set wins (with `merge`, all of them, merged in order). */
  readonly env: readonly string[];
  readonly default: T;
  /** The default as the README shows it. */
  readonly defaultText: string;
  /** The README's "meaning" cell. */
  readonly help: string;
  readonly parse: (raw: unknown, source: string) => T;
  /** `key=value` lists: every variable set, then the code option, merged in that order. */
  readonly merge?: true;
}

const row = <T>(s: Setting<T>): Setting<T> => s;
const url = (raw: unknown, source: string): string => parseUrl(raw, source).href;
const ms =
  (min: number, max: number) =>
  (raw: unknown, source: string): number =>
    parseMs(raw, source, min, max);
const optional =
  <T>(parse: (raw: unknown, source: string) => T) =>
  (raw: unknown, source: string): T | undefined =>
    parse(raw, source);

/** Code options keep their number/boolean values; both shapes are checked alike. */
function parseAttributes(raw: unknown, source: string): Attributes {
  const strings = parseKeyValueList(raw, source);
  return typeof raw === 'object' && raw !== null ? { ...(raw as Attributes) } : strings;
}

/** Header lists are credentials: their values are masked in every later message too. */
function parseHeaders(raw: unknown, source: string): Record<string, string> {
  const headers = parseKeyValueList(raw, source, true);
  addSecrets(Object.values(headers));
  return headers;
}

const MIN_BLOCK_THRESHOLD_MS = 10;

/** 0 (off) or at least 10 ms: the heartbeat runs at up to the threshold, and each one wakes the loop. */
function parseThreshold(raw: unknown, source: string): number {
  const value = parseMs(raw, source, 0, 600_000);
  if (value > 0 && value < MIN_BLOCK_THRESHOLD_MS) {
    throw new ConfigError(
      source,
      `invalid ${source}=${String(raw)}: expected 0 (off) or ${MIN_BLOCK_THRESHOLD_MS} to 600000 milliseconds`,
    );
  }
  return value;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

/**
 * Request context is on by default where AsyncLocalStorage rides
 * AsyncContextFrame (Node 24+); before, it installs async_hooks
 * (agent/README.md, "Which request").
 */
export const REQUEST_CONTEXT_DEFAULT = Number(process.versions.node.split('.')[0]) >= 24;

export const SETTINGS = {
  serviceName: row({
    option: true,
    env: ['OTEL_SERVICE_NAME'],
    default: undefined,
    defaultText: 'unknown_service:<argv0>',
    help: '`service.name` (wins over `service.name` in `OTEL_RESOURCE_ATTRIBUTES`)',
    parse: optional(parseString),
  }),
  resourceAttributes: row<Attributes>({
    option: true,
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    default: {},
    defaultText: '',
    help: '`key=value,...`, percent-decoded; `service.instance.id` here is used as the instance id',
    parse: parseAttributes,
    merge: true,
  }),
  serviceInstanceId: row({
    option: true,
    env: [],
    default: undefined,
    defaultText: '(random UUID)',
    help: '`service.instance.id`',
    parse: optional(parseString),
  }),
  metricsEndpoint: row({
    option: true,
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    default: undefined,
    defaultText: '',
    help: 'full URL, used as is',
    parse: optional(url),
  }),
  endpoint: row({
    option: true,
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    default: undefined,
    defaultText: DEFAULT_ENDPOINT,
    help: 'base URL, `/v1/metrics` (and `/v1/logs` for block events) is appended',
    parse: optional(url),
  }),
  protocol: row<OtlpProtocol>({
    option: true,
    env: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    default: 'http/protobuf',
    defaultText: 'http/protobuf',
    help: 'or `http/json`',
    parse: (raw, source) => parseChoice(raw, source, PROTOCOLS),
  }),
  headers: row<Record<string, string>>({
    option: true,
    env: ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'],
    default: {},
    defaultText: '',
    help: '`key=value,...`, percent-decoded, merged in that order; values never appear in messages',
    parse: parseHeaders,
    merge: true,
  }),
  exportIntervalMs: row({
    option: true,
    env: ['OTEL_METRIC_EXPORT_INTERVAL'],
    default: 10_000,
    defaultText: '10000',
    help: 'ms between exports',
    parse: ms(1, 86_400_000),
  }),
  exportTimeoutMs: row({
    option: true,
    env: ['OTEL_METRIC_EXPORT_TIMEOUT'],
    default: 30_000,
    defaultText: '30000',
    help: 'ms per export, retries included; clamped to the interval (the SDK reader requires it)',
    parse: ms(1, 86_400_000),
  }),
  logsEndpoint: row({
    option: false,
    env: ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'],
    default: undefined,
    defaultText: '',
    help: 'full URL for block events, used as is (default: the metrics URL with `/v1/logs`)',
    parse: optional(url),
  }),
  logsProtocol: row({
    option: false,
    env: ['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'],
    default: undefined,
    defaultText: '',
    help: "block events' protocol (default: the metrics protocol)",
    parse: optional((raw, source) => parseChoice(raw, source, PROTOCOLS)),
  }),
  logsHeaders: row<Record<string, string>>({
    option: false,
    env: ['OTEL_EXPORTER_OTLP_LOGS_HEADERS'],
    default: {},
    defaultText: '',
    help: "merged over the metrics' headers for block events",
    parse: parseHeaders,
    merge: true,
  }),
  disabled: row({
    option: true,
    env: ['OTEL_SDK_DISABLED'],
    default: false,
    defaultText: 'false',
    help: '`true` turns the agent off silently',
    parse: parseBoolean,
  }),
  handleSignals: row({
    option: true,
    env: ['LOOPSCOPE_HANDLE_SIGNALS'],
    default: true,
    defaultText: 'true',
    help: 'flush the last export on SIGTERM/SIGINT (see below)',
    parse: parseBoolean,
  }),
  shutdownFlushMs: row({
    option: true,
    env: ['LOOPSCOPE_SHUTDOWN_FLUSH_MS'],
    default: 2000,
    defaultText: '2000',
    help: 'longest a signal waits for the last export before the process exits as it would without the agent; `0` does not wait',
    parse: ms(0, 600_000),
  }),
  eventLoopResolutionMs: row({
    option: true,
    env: ['LOOPSCOPE_EVENTLOOP_RESOLUTION_MS'],
    default: 100,
    defaultText: '100',
    help: "period of the agent's one timer (1..60000)",
    parse: ms(1, 60_000),
  }),
  threadPoolProbeIntervalMs: row({
    option: true,
    env: ['LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS'],
    default: 1000,
    defaultText: '1000',
    help: 'ms between thread-pool probes; `0` disables the probe',
    parse: ms(0, 3_600_000),
  }),
  blockThresholdMs: row({
    option: true,
    env: ['LOOPSCOPE_BLOCK_THRESHOLD_MS'],
    default: 100,
    defaultText: '100',
    help: 'stalls at least this long are counted and captured; `0` turns the watchdog off; otherwise 10 to 600000',
    parse: parseThreshold,
  }),
  blockMaxCapturesPerMinute: row({
    option: true,
    env: ['LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN'],
    default: 10,
    defaultText: '10',
    help: 'stack captures per rolling minute, so a pathological app is not slowed further; `0` counts and measures stalls without stacks',
    parse: (raw, source) => parseCount(raw, source, 600),
  }),
  blockRequestContext: row({
    option: true,
    env: ['LOOPSCOPE_BLOCK_REQUEST_CONTEXT'],
    default: REQUEST_CONTEXT_DEFAULT,
    defaultText: '(`true` on Node 24+, else `false`)',
    help: 'record the HTTP request (method, route or path) each stall hit, through `diagnostics_channel` and `AsyncLocalStorage`',
    parse: parseBoolean,
  }),
  hotLoopUtilization: row({
    option: true,
    env: ['LOOPSCOPE_HOT_LOOP_UTILIZATION'],
    default: 0.9,
    defaultText: '0.9',
    help: 'event-loop utilization (above 0, at most 1) that counts as busy for the busy-loop event',
    parse: (raw, source) => parseRatio(raw, source, 0, 1),
  }),
  hotLoopSeconds: row({
    option: true,
    env: ['LOOPSCOPE_HOT_LOOP_SECONDS'],
    default: 5,
    defaultText: '5',
    help: 'whole seconds the loop must stay busy before a few stacks are sampled for a busy-loop event (needs stack captures on); `0` turns it off',
    parse: (raw, source) => parseCount(raw, source, 3600),
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
/** Each setting's value as read from the table. */
export type SettingValues = {
  readonly [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['parse']>;
};

/** The settings the samplers and the watchdog read (`registerLoopscopeMetrics` resolves only these). */
export const SAMPLER_KEYS = [
  'eventLoopResolutionMs',
  'threadPoolProbeIntervalMs',
  'blockThresholdMs',
  'blockMaxCapturesPerMinute',
  'blockRequestContext',
  'hotLoopUtilization',
  'hotLoopSeconds',
] as const satisfies readonly SettingKey[];

export type ResolvedSamplerOptions = Pick<SettingValues, (typeof SAMPLER_KEYS)[number]>;

export type ResolvedOptions = Omit<
  SettingValues,
  | 'serviceName'
  | 'serviceInstanceId'
  | 'endpoint'
  | 'metricsEndpoint'
  | 'logsEndpoint'
  | 'logsProtocol'
  | 'disabled'
> & {
  readonly serviceName: string;
  readonly serviceInstanceId: string;
  /** User resource attributes (env, then code), without service.name/instance.id. */
  readonly resourceAttributes: Readonly<Attributes>;
  readonly metricsUrl: string;
  readonly logsUrl: string;
  readonly logsProtocol: OtlpProtocol;
};

/** The defaults of the table, by key (`DEFAULTS.endpoint` is the base URL used when none is set). */
export const DEFAULTS = {
  ...(Object.fromEntries(
    Object.entries(SETTINGS).map(([k, s]) => [k, s.default]),
  ) as unknown as SettingValues),
  endpoint: DEFAULT_ENDPOINT,
};

/** Objects `resolveOptions` built: passed down as they are, never resolved twice. */
const RESOLVED = new WeakSet<object>();

interface Found {
  readonly raw: unknown;
  readonly source: string;
}

/** The raw values of one setting that apply, lowest priority first. */
function sources(key: SettingKey, code: object, env: Env): Found[] {
  const s: Setting<unknown> = SETTINGS[key];
  const found: Found[] = [];
  for (const name of s.env) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') found.push({ raw, source: name });
  }
  // The first variable set wins: keep it, last.
  if (!s.merge) found.reverse();
  const fromCode = s.option ? (code as Record<string, unknown>)[key] : undefined;
  if (fromCode !== undefined) found.push({ raw: fromCode, source: `option ${key}` });
  return found;
}

function read<K extends SettingKey>(key: K, code: object, env: Env): SettingValues[K] {
  const s = SETTINGS[key] as Setting<SettingValues[K]>;
  const found = sources(key, code, env);
  if (found.length === 0) return s.default;
  if (!s.merge) {
    const last = found[found.length - 1] as Found;
    return s.parse(last.raw, last.source);
  }
  const merged: Record<string, unknown> = {};
  for (const f of found) Object.assign(merged, s.parse(f.raw, f.source));
  return merged as SettingValues[K];
}

/** Reads `keys` from the table. */
export function pickSettings<K extends SettingKey>(
  keys: readonly K[],
  code: object = {},
  env: Env = process.env,
): Pick<SettingValues, K> {
  const out = {} as { [P in K]: SettingValues[P] };
  for (const key of keys) out[key] = read(key, code, env);
  return out;
}

/** Options that are not ours: a typo must not pass silently. Returns a warning, or undefined. */
export function unknownOptions(code: object, env: Env): string | undefined {
  const rows = Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][];
  const options = rows.filter(([, s]) => s.option).map(([k]) => k as string);
  const known = new Set(rows.flatMap(([, s]) => s.env));
  const unknown = [
    ...Object.keys(code).filter((k) => !options.includes(k)),
    ...Object.keys(env).filter((k) => k.startsWith('LOOPSCOPE_') && !known.has(k)),
  ];
  if (unknown.length === 0) return undefined;
  const vars = [...known].filter((k) => k.startsWith('LOOPSCOPE_'));
  return `ignoring unknown setting(s) ${unknown.join(', ')}; known options: ${options.join(', ')}; known variables: ${vars.join(', ')}`;
}

export function resolveSamplerOptions(
  code: SamplerOptions = {},
  env: Env = process.env,
): ResolvedSamplerOptions {
  if (RESOLVED.has(code)) return code as ResolvedOptions;
  return Object.freeze(pickSettings(SAMPLER_KEYS, code, env));
}

/** A base endpoint with `v1/<signal>` appended, keeping its path. */
function underBase(base: string | undefined, signal: 'metrics' | 'logs'): string {
  const url = new URL(base ?? DEFAULT_ENDPOINT);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(`v1/${signal}`, url).href;
}

/**
 * OTEL_EXPORTER_OTLP_LOGS_ENDPOINT as is; else the metrics URL with
 * /v1/metrics replaced by /v1/logs; else the base endpoint + /v1/logs.
 */
export function logsUrl(metricsUrl: string, env: Env = process.env): string {
  const { logsEndpoint, endpoint } = pickSettings(['logsEndpoint', 'endpoint'], {}, env);
  return deriveLogsUrl(metricsUrl, logsEndpoint, endpoint);
}

function deriveLogsUrl(metrics: string, logsEndpoint?: string, endpoint?: string): string {
  if (logsEndpoint) return logsEndpoint;
  if (metrics.endsWith('/v1/metrics')) return `${metrics.slice(0, -'metrics'.length)}logs`;
  return underBase(endpoint, 'logs');
}

/** Signal-specific URL as is, else the base endpoint with `/v1/metrics` appended. */
function metricsUrl(code: AgentOptions, v: Pick<SettingValues, 'endpoint' | 'metricsEndpoint'>) {
  // A base endpoint given in code beats a metrics endpoint from the environment.
  const baseFromCode = code.endpoint !== undefined && code.metricsEndpoint === undefined;
  if (v.metricsEndpoint && !baseFromCode) return v.metricsEndpoint;
  return underBase(v.endpoint, 'metrics');
}

/** `OTEL_SDK_DISABLED` / option `disabled`; checked first so a disabled agent validates nothing else. */
export function isDisabled(code: AgentOptions = {}, env: Env = process.env): boolean {
  return read('disabled', code, env);
}

/** Merges code options over the environment and validates everything; throws ConfigError. */
export function resolveOptions(code: AgentOptions = {}, env: Env = process.env): ResolvedOptions {
  if (typeof code !== 'object' || code === null) {
    throw new ConfigError('options', 'invalid options: expected an object');
  }
  const keys = Object.keys(SETTINGS) as SettingKey[];
  const v = pickSettings(keys, code, env);
  const attrs: Attributes = { ...v.resourceAttributes };
  const serviceName = v.serviceName ?? String(attrs['service.name'] ?? defaultServiceName());
  const serviceInstanceId =
    v.serviceInstanceId ?? String(attrs['service.instance.id'] ?? randomUUID());
  delete attrs['service.name'];
  delete attrs['service.instance.id'];
  const metrics = metricsUrl(code, v);
  const {
    endpoint: _endpoint,
    metricsEndpoint: _metricsEndpoint,
    logsEndpoint: _logsEndpoint,
    disabled: _disabled,
    ...rest
  } = v;
  const resolved: ResolvedOptions = Object.freeze({
    ...rest,
    serviceName,
    serviceInstanceId,
    resourceAttributes: Object.freeze(attrs),
    metricsUrl: metrics,
    logsUrl: deriveLogsUrl(metrics, v.logsEndpoint, v.endpoint),
    logsProtocol: v.logsProtocol ?? v.protocol,
    logsHeaders: Object.freeze({ ...v.headers, ...v.logsHeaders }),
    headers: Object.freeze(v.headers),
    // The SDK's reader requires timeout <= interval; the spec default (30 s) is longer than ours.
    exportTimeoutMs: Math.min(v.exportTimeoutMs, v.exportIntervalMs),
  });
  RESOLVED.add(resolved);
  return resolved;
}

/** The README's configuration table, one markdown row per setting (checked by a test). */
export function settingsTableRows(): string[][] {
  const code = (s: string): string => (s && !s.startsWith('(') ? `\`${s}\`` : s);
  return (Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][]).map(([key, s]) => [
    s.env.map(code).join(', '),
    s.option ? code(key) : '',
    code(s.defaultText),
    s.help,
  ]);
}
