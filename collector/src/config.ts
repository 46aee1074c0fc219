/**
 * The collector's settings: defaults and the one normalizer every entry
 * point (CLI, buildApp in tests and benchmarks) goes through. Values are
 * already parsed (milliseconds, bytes, file contents); the CLI turns flags
 * and environment variables into this shape.
 */
import { DEFAULT_HISTORY } from './history/bounds.js';

export interface CollectorConfig {
  readonly host: string;
  readonly port: number;
  /** Series not updated, and senders silent, for this long are removed. */
  readonly expireAfterMs: number;
  /** Limit on the decompressed request body. */
  readonly maxBodyBytes: number;
  readonly maxSeries: number;
  /** Distinct attribute sets per metric per sender. */
  readonly maxCardinality: number;
  /** Data points in one metrics export; more get 413 before decoding (bounds the loop stall). */
  readonly maxPointsPerRequest: number;
  /** Points stored between two turns of the event loop; a larger request is stored in slices. */
  readonly ingestSlicePoints: number;
  /** Series one sender may have (checked before maxSeries). */
  readonly maxSeriesPerSender: number;
  /** Points stamped further ahead of the collector's clock are rejected. */
  readonly maxFutureSkewMs: number;
  /** Estimated bytes the block-event store may hold before evicting its oldest instances. */
  readonly maxBlocksBytes: number;
  /** Longest accepted attribute value (characters). */
  readonly maxAttributeLength: number;
  /** Ingest requests in flight before 429. */
  readonly maxConcurrentExports: number;
  /** Time an export's body has to arrive in, extended by what arrives at minBodyRate. */
  readonly requestTimeoutMs: number;
  /** Bytes per second that extend requestTimeoutMs (a big body on a slow link is not slowloris). */
  readonly minBodyRate: number;
  /** Bearer tokens; empty = ingest is open. */
  readonly authTokens: readonly string[];
  /** Tokens for the UI, /api/v1/* (and /metrics with readAuthMetrics); empty = read side open. */
  readonly readAuthTokens: readonly string[];
  /** Also require a read token on /metrics. */
  readonly readAuthMetrics: boolean;
  /** PEM certificate and key; both or neither. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** Instances the live UI's in-memory history tracks at once. */
  readonly historyInstances: number;
  readonly rollup: 'none' | 'job';
  readonly promoteResourceAttributes: readonly string[];
  /** Load the loopscope agent into the collector, exporting to itself. */
  readonly selfMonitor: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long SIGTERM waits for in-flight requests before exiting anyway. */
  readonly shutdownTimeoutMs: number;
  /** Prometheus-compatible query API the JSON API and UI read from; undefined = in-process history. */
  readonly queryUrl: string | undefined;
  /** This replica's name on the block stacks it holds; '' = hostname:port. */
  readonly replicaName: string;
  /** Prometheus remote-write endpoints every accepted export is written to (none: off). */
  readonly remoteWriteUrls: readonly string[];
  /** Extra headers on every remote-write request (e.g. X-Scope-OrgID). */
  readonly remoteWriteHeaders: readonly (readonly [string, string])[];
  /** Bearer token for remote write (URLs with user:password use basic auth instead). */
  readonly remoteWriteBearerToken: string | undefined;
  readonly remoteWriteTimeoutMs: number;
  /** Per remote: encoded samples waiting; exports get 503 beyond it. */
  readonly remoteWriteQueueBytes: number;
  readonly remoteWriteMaxBatchSamples: number;
  /** Requests in flight per remote (queue shards). */
  readonly remoteWriteConcurrency: number;
  /** Keep the store that GET /metrics serves; false: a pure remote-write gateway. */
  readonly scrapeEndpoint: boolean;
}

export const DEFAULT_CONFIG: CollectorConfig = Object.freeze({
  host: '127.0.0.1',
  port: 4318,
  expireAfterMs: 5 * 60_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxSeries: 1_000_000,
  maxCardinality: 2000,
  maxSeriesPerSender: 10_000,
  maxPointsPerRequest: 10_000,
  ingestSlicePoints: 1000,
  maxFutureSkewMs: 5 * 60_000,
  maxBlocksBytes: 64 * 1024 * 1024,
  maxAttributeLength: 4096,
  maxConcurrentExports: 64,
  requestTimeoutMs: 10_000,
  minBodyRate: 64 * 1024,
  authTokens: [],
  readAuthTokens: [],
  readAuthMetrics: false,
  tls: undefined,
  historyInstances: DEFAULT_HISTORY.maxInstances,
  rollup: 'none',
  promoteResourceAttributes: Object.freeze([
    'deployment.environment.name',
    'service.version',
    'k8s.namespace.name',
    'k8s.pod.name',
  ]),
  selfMonitor: true,
  logLevel: 'info',
  shutdownTimeoutMs: 10_000,
  queryUrl: undefined,
  replicaName: '',
  remoteWriteUrls: Object.freeze([]),
  remoteWriteHeaders: Object.freeze([]),
  remoteWriteBearerToken: undefined,
  remoteWriteTimeoutMs: 10_000,
  remoteWriteQueueBytes: 64 * 1024 * 1024,
  remoteWriteMaxBatchSamples: 5000,
  remoteWriteConcurrency: 4,
  scrapeEndpoint: true,
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Enough of an unparsable URL to recognise it, without what could be a password. */
function redactUrlText(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//[redacted]@').slice(0, 100);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function positiveInt(key: string, v: number, min = 1): void {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new ConfigError(`${key} must be an integer >= ${min}, got ${v}`);
  }
}

/** Fill defaults and check every value; unknown keys are refused so typos do not pass silently. */
export function normalizeConfig(input: Partial<CollectorConfig> = {}): CollectorConfig {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_CONFIG)) {
      throw new ConfigError(
        `unknown setting ${JSON.stringify(key)}; known: ${Object.keys(DEFAULT_CONFIG).join(', ')}`,
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const c: CollectorConfig = { ...DEFAULT_CONFIG, ...defined };
  if (c.host === '') throw new ConfigError('host must not be empty');
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) {
    throw new ConfigError(`port must be 0..65535, got ${c.port}`);
  }
  positiveInt('expireAfterMs', c.expireAfterMs);
  positiveInt('maxBodyBytes', c.maxBodyBytes);
  positiveInt('maxSeries', c.maxSeries);
  positiveInt('maxCardinality', c.maxCardinality);
  positiveInt('maxSeriesPerSender', c.maxSeriesPerSender);
  positiveInt('maxPointsPerRequest', c.maxPointsPerRequest);
  positiveInt('ingestSlicePoints', c.ingestSlicePoints);
  positiveInt('maxFutureSkewMs', c.maxFutureSkewMs);
  positiveInt('maxBlocksBytes', c.maxBlocksBytes);
  positiveInt('maxAttributeLength', c.maxAttributeLength);
  positiveInt('maxConcurrentExports', c.maxConcurrentExports);
  positiveInt('requestTimeoutMs', c.requestTimeoutMs);
  positiveInt('minBodyRate', c.minBodyRate);
  positiveInt('shutdownTimeoutMs', c.shutdownTimeoutMs);
  positiveInt('historyInstances', c.historyInstances);
  if (c.rollup !== 'none' && c.rollup !== 'job') {
    throw new ConfigError(`rollup must be "none" or "job", got ${JSON.stringify(c.rollup)}`);
  }
  if (!LOG_LEVELS.includes(c.logLevel)) {
    throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (c.authTokens.some((t) => t === '' || /\s/.test(t))) {
    throw new ConfigError('auth tokens must be non-empty and contain no whitespace');
  }
  if (c.queryUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(c.queryUrl);
    } catch {
      throw new ConfigError(`queryUrl must be an http(s) URL, got ${JSON.stringify(c.queryUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`queryUrl must be an http(s) URL, got ${url.protocol}`);
    }
  }
  if (c.readAuthTokens.some((t) => t === '' || /[\s:]/.test(t))) {
    throw new ConfigError('read tokens must be non-empty and contain no whitespace or colon');
  }
  if (c.readAuthMetrics && c.readAuthTokens.length === 0) {
    throw new ConfigError(
      'readAuthMetrics needs read tokens (--read-auth-token-file or LOOPSCOPE_READ_AUTH_TOKENS)',
    );
  }
  positiveInt('remoteWriteTimeoutMs', c.remoteWriteTimeoutMs);
  positiveInt('remoteWriteQueueBytes', c.remoteWriteQueueBytes);
  positiveInt('remoteWriteMaxBatchSamples', c.remoteWriteMaxBatchSamples);
  positiveInt('remoteWriteConcurrency', c.remoteWriteConcurrency);
  for (const url of c.remoteWriteUrls) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ConfigError(`remote-write URL is not a URL: ${JSON.stringify(redactUrlText(url))}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new ConfigError(`remote-write URL must be http or https, got ${u.protocol}`);
    }
  }
  if (!c.scrapeEndpoint && c.remoteWriteUrls.length === 0) {
    throw new ConfigError(
      'without the scrape endpoint (--no-scrape-endpoint) the collector needs a --remote-write-url, or the data goes nowhere',
    );
  }
  if (c.tls && (!c.tls.cert || !c.tls.key)) {
    throw new ConfigError('TLS needs both a certificate and a key');
  }
  return Object.freeze(c);
}
