/**
 * Every setting of loopscope-collector, once: its flag, its environment
 * variable, its help line and how its text becomes a config value. --help
 * and the README table are generated from / checked against this list.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, LOG_LEVELS, type CollectorConfig } from '../config.js';
import {
  parseBoolean,
  parseBytes,
  parseChoice,
  parseCount,
  parseDuration,
  parseList,
  parsePort,
  UsageError,
} from './values.js';

export type Draft = { -readonly [K in keyof CollectorConfig]?: CollectorConfig[K] } & {
  tlsCert?: string;
  tlsKey?: string;
  tokens?: string[];
};

export interface CliOption {
  /** Long flag without dashes. */
  readonly flag: string;
  readonly env: string | undefined;
  /** Placeholder in --help; undefined for on/off switches. */
  readonly value: string | undefined;
  readonly help: string;
  readonly defaultText: string;
  /** The flag may be given more than once (each value applied in order). */
  readonly multiple?: boolean;
  apply(raw: string, draft: Draft, what: string): void;
}

function readText(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
}

function parseHttpUrl(what: string, raw: string): string {
  const text = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(
      `${what}: ${JSON.stringify(raw)} is not an http(s) URL; give the query API's base URL, e.g. http://prometheus:9090`,
    );
  }
  return text;
}

/** A token file's lines, without blanks and `#` comments. */
function tokenLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function addReadTokens(draft: Draft, tokens: string[], what: string): void {
  if (tokens.length === 0) throw new UsageError(`${what}: no token given`);
  draft.readAuthTokens = [...(draft.readAuthTokens ?? []), ...tokens];
}

function addTokens(draft: Draft, tokens: string[], what: string): void {
  if (tokens.length === 0) throw new UsageError(`${what}: no token given`);
  draft.tokens = [...(draft.tokens ?? []), ...tokens];
}

const d = DEFAULT_CONFIG;

export const OPTIONS: readonly CliOption[] = [
  {
    flag: 'host',
    env: 'LOOPSCOPE_HOST',
    value: '<address>',
    help: 'Address to listen on (0.0.0.0 for every interface).',
    defaultText: d.host,
    apply: (raw, draft) => (draft.host = raw.trim()),
  },
  {
    flag: 'port',
    env: 'LOOPSCOPE_PORT',
    value: '<port>',
    help: 'Port to listen on; 4318 is the OTLP/HTTP port agents use by default.',
    defaultText: String(d.port),
    apply: (raw, draft, what) => (draft.port = parsePort(what, raw)),
  },
  {
    flag: 'expire-after',
    env: 'LOOPSCOPE_EXPIRE_AFTER',
    value: '<duration>',
    help: 'Remove series not updated, and senders not heard from, for this long.',
    defaultText: '5m',
    apply: (raw, draft, what) => (draft.expireAfterMs = parseDuration(what, raw)),
  },
  {
    flag: 'max-body-bytes',
    env: 'LOOPSCOPE_MAX_BODY_BYTES',
    value: '<size>',
    help: 'Largest request body, after decompression (413 beyond).',
    defaultText: '16MiB',
    apply: (raw, draft, what) => (draft.maxBodyBytes = parseBytes(what, raw)),
  },
  {
    flag: 'max-series',
    env: 'LOOPSCOPE_MAX_SERIES',
    value: '<count>',
    help: 'Most series in the store; points that would add more are dropped (reason cardinality).',
    defaultText: '1000000',
    apply: (raw, draft, what) => (draft.maxSeries = parseCount(what, raw)),
  },
  {
    flag: 'max-cardinality',
    env: 'LOOPSCOPE_MAX_CARDINALITY',
    value: '<count>',
    help: 'Most distinct attribute sets per metric per sender (reason cardinality beyond).',
    defaultText: String(d.maxCardinality),
    apply: (raw, draft, what) => (draft.maxCardinality = parseCount(what, raw)),
  },
  {
    flag: 'max-attribute-length',
    env: 'LOOPSCOPE_MAX_ATTRIBUTE_LENGTH',
    value: '<chars>',
    help: 'Longest attribute value; points with longer ones are rejected (reason too_large).',
    defaultText: String(d.maxAttributeLength),
    apply: (raw, draft, what) => (draft.maxAttributeLength = parseCount(what, raw)),
  },
  {
    flag: 'max-concurrent-exports',
    env: 'LOOPSCOPE_MAX_CONCURRENT_EXPORTS',
    value: '<count>',
    help: 'Export requests in flight at once; more get 429 with Retry-After.',
    defaultText: String(d.maxConcurrentExports),
    apply: (raw, draft, what) => (draft.maxConcurrentExports = parseCount(what, raw)),
  },
  // Issue 15 (collector hardening): limits against hostile senders.
  {
    flag: 'request-timeout',
    env: 'LOOPSCOPE_REQUEST_TIMEOUT',
    value: '<duration>',
    help: 'Time an export body has to arrive in, plus 1 s per --min-body-rate bytes received; slower requests get 408 and free their slot.',
    defaultText: '10s',
    apply: (raw, draft, what) => (draft.requestTimeoutMs = parseDuration(what, raw)),
  },
  {
    flag: 'min-body-rate',
    env: 'LOOPSCOPE_MIN_BODY_RATE',
    value: '<size>',
    help: 'Bytes per second of body that extend --request-timeout, so a large body on a slow link is not cut off.',
    defaultText: '64KiB',
    apply: (raw, draft, what) => (draft.minBodyRate = parseBytes(what, raw)),
  },
  {
    flag: 'max-series-per-sender',
    env: 'LOOPSCOPE_MAX_SERIES_PER_SENDER',
    value: '<count>',
    help: 'Most series one sender (job, instance) may have, checked before --max-series so one sender cannot fill the store (reason cardinality beyond).',
    defaultText: String(d.maxSeriesPerSender),
    apply: (raw, draft, what) => (draft.maxSeriesPerSender = parseCount(what, raw)),
  },
  {
    flag: 'max-points-per-request',
    env: 'LOOPSCOPE_MAX_POINTS_PER_REQUEST',
    value: '<count>',
    help: 'Most data points in one metrics export; more get 413 before decoding, so one request cannot hold the event loop.',
    defaultText: String(d.maxPointsPerRequest),
    apply: (raw, draft, what) => (draft.maxPointsPerRequest = parseCount(what, raw)),
  },
  {
    flag: 'ingest-slice-points',
    env: 'LOOPSCOPE_INGEST_SLICE_POINTS',
    value: '<count>',
    help: 'Points stored before the event loop may run other requests; a larger export is stored in slices of this many (in order per sender), so it cannot hold the loop.',
    defaultText: String(d.ingestSlicePoints),
    apply: (raw, draft, what) => (draft.ingestSlicePoints = parseCount(what, raw)),
  },
  {
    flag: 'max-future-skew',
    env: 'LOOPSCOPE_MAX_FUTURE_SKEW',
    value: '<duration>',
    help: "Points stamped further ahead of the collector's clock are rejected (reason malformed): they would freeze their series.",
    defaultText: '5m',
    apply: (raw, draft, what) => (draft.maxFutureSkewMs = parseDuration(what, raw)),
  },
  {
    flag: 'max-blocks-bytes',
    env: 'LOOPSCOPE_MAX_BLOCKS_BYTES',
    value: '<size>',
    help: 'Estimated memory for block events (stacks), and a quarter of it more for busy-loop events; beyond it the instances heard from least recently are evicted and counted.',
    defaultText: '64MiB',
    apply: (raw, draft, what) => (draft.maxBlocksBytes = parseBytes(what, raw)),
  },
  {
    flag: 'read-auth-token-file',
    env: 'LOOPSCOPE_READ_AUTH_TOKEN_FILE',
    value: '<path>',
    help: 'File of read tokens, one per line (# comments); the UI and /api/v1/* then need one (Bearer, or HTTP Basic with the token as password).',
    defaultText: '(open read side)',
    apply: (raw, draft, what) =>
      addReadTokens(draft, tokenLines(readText(what, raw)), `${what} ${JSON.stringify(raw)}`),
  },
  {
    flag: 'read-auth-metrics',
    env: 'LOOPSCOPE_READ_AUTH_METRICS',
    value: undefined,
    help: 'Also require a read token on /metrics (Prometheus then sends it: authorization in the scrape config).',
    defaultText: 'off',
    apply: (raw, draft, what) => (draft.readAuthMetrics = parseBoolean(what, raw)),
  },
  {
    flag: 'auth-token-file',
    env: 'LOOPSCOPE_AUTH_TOKEN_FILE',
    value: '<path>',
    help: 'File of bearer tokens, one per line (# comments); ingest then needs one of them.',
    defaultText: '(open ingest)',
    apply: (raw, draft, what) =>
      addTokens(draft, tokenLines(readText(what, raw)), `${what} ${JSON.stringify(raw)}`),
  },
  {
    flag: 'tls-cert',
    env: 'LOOPSCOPE_TLS_CERT',
    value: '<path>',
    help: 'PEM certificate: serve HTTPS (needs --tls-key).',
    defaultText: '(plain HTTP)',
    apply: (raw, draft, what) => (draft.tlsCert = readText(what, raw)),
  },
  {
    flag: 'tls-key',
    env: 'LOOPSCOPE_TLS_KEY',
    value: '<path>',
    help: 'PEM private key for --tls-cert.',
    defaultText: '',
    apply: (raw, draft, what) => (draft.tlsKey = readText(what, raw)),
  },
  {
    flag: 'history-instances',
    env: 'LOOPSCOPE_HISTORY_INSTANCES',
    value: '<count>',
    help: 'Instances the live UI keeps history for (about 0.35 MB each); newcomers beyond wait for a stale one to leave.',
    defaultText: String(d.historyInstances),
    apply: (raw, draft, what) => (draft.historyInstances = parseCount(what, raw)),
  },
  {
    flag: 'rollup',
    env: 'LOOPSCOPE_ROLLUP',
    value: 'none|job',
    help: 'job: expose per-job series (counters/histograms summed, gauges as min/max/sum/count); liveness stays per instance.',
    defaultText: d.rollup,
    apply: (raw, draft, what) => (draft.rollup = parseChoice(what, raw, ['none', 'job'] as const)),
  },
  {
    flag: 'promote-resource-attributes',
    env: 'LOOPSCOPE_PROMOTE_RESOURCE_ATTRIBUTES',
    value: '<a,b,...>',
    help: 'Resource attributes copied as labels onto every series (all of them are in target_info).',
    defaultText: d.promoteResourceAttributes.join(','),
    apply: (raw, draft) => (draft.promoteResourceAttributes = parseList(raw)),
  },
  {
    flag: 'self-monitor',
    env: 'LOOPSCOPE_SELF_MONITOR',
    value: undefined,
    help: 'Load the loopscope agent into the collector, exporting to itself (--no-self-monitor to turn off).',
    defaultText: 'on',
    apply: (raw, draft, what) => (draft.selfMonitor = parseBoolean(what, raw)),
  },
  {
    flag: 'log-level',
    env: 'LOOPSCOPE_LOG_LEVEL',
    value: LOG_LEVELS.join('|'),
    help: 'Log level (JSON logs on stdout).',
    defaultText: d.logLevel,
    apply: (raw, draft, what) => (draft.logLevel = parseChoice(what, raw, LOG_LEVELS)),
  },
  {
    flag: 'shutdown-timeout',
    env: 'LOOPSCOPE_SHUTDOWN_TIMEOUT',
    value: '<duration>',
    help: 'On SIGTERM, how long to wait for in-flight requests before exiting anyway (exit 1).',
    defaultText: '10s',
    apply: (raw, draft, what) => (draft.shutdownTimeoutMs = parseDuration(what, raw)),
  },
  // --query-url (scale-out: the UI and JSON API over the database the replicas write to)
  {
    flag: 'query-url',
    env: 'LOOPSCOPE_QUERY_URL',
    value: '<url>',
    help: "Prometheus-compatible query API (Prometheus, Mimir, Thanos Query, VictoriaMetrics) the UI and /api/v1/instances|series read from, instead of this process's history; user:password@ in the URL is sent as basic auth.",
    defaultText: '(in-process history)',
    apply: (raw, draft, what) => (draft.queryUrl = parseHttpUrl(what, raw)),
  },
  {
    flag: 'replica-name',
    env: 'LOOPSCOPE_REPLICA_NAME',
    value: '<name>',
    help: 'Name of this collector on the block stacks it holds (stacks stay per replica).',
    defaultText: 'hostname:port',
    apply: (raw, draft) => (draft.replicaName = raw.trim()),
  },
  // Remote write (issue 11): keep these rows together.
  {
    flag: 'remote-write-url',
    env: 'LOOPSCOPE_REMOTE_WRITE_URL',
    value: '<url>',
    multiple: true,
    help: 'Write every accepted export to this Prometheus remote-write endpoint (repeat the flag, or comma-separate the env, for several). user:password@ in the URL is sent as basic auth.',
    defaultText: '(off)',
    apply: (raw, draft) =>
      (draft.remoteWriteUrls = [...(draft.remoteWriteUrls ?? []), ...parseList(raw)]),
  },
  {
    flag: 'remote-write-header',
    env: 'LOOPSCOPE_REMOTE_WRITE_HEADER',
    value: '<name=value>',
    multiple: true,
    help: 'Extra header on every remote-write request, e.g. X-Scope-OrgID=team-a (repeatable; env comma-separated).',
    defaultText: '',
    apply: (raw, draft, what) =>
      (draft.remoteWriteHeaders = [
        ...(draft.remoteWriteHeaders ?? []),
        ...parseList(raw).map((h) => parseHeader(what, h)),
      ]),
  },
  {
    flag: 'remote-write-bearer-token-file',
    env: 'LOOPSCOPE_REMOTE_WRITE_BEARER_TOKEN_FILE',
    value: '<path>',
    help: 'File holding the bearer token for remote write (first non-empty line).',
    defaultText: '(none)',
    apply: (raw, draft, what) => {
      const token = readText(what, raw)
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l !== '');
      if (token === undefined) throw new UsageError(`${what} ${JSON.stringify(raw)}: no token`);
      draft.remoteWriteBearerToken = token;
    },
  },
  {
    flag: 'remote-write-timeout',
    env: 'LOOPSCOPE_REMOTE_WRITE_TIMEOUT',
    value: '<duration>',
    help: 'Longest wait for one remote-write request; then it is retried.',
    defaultText: '10s',
    apply: (raw, draft, what) => (draft.remoteWriteTimeoutMs = parseDuration(what, raw)),
  },
  {
    flag: 'remote-write-queue-bytes',
    env: 'LOOPSCOPE_REMOTE_WRITE_QUEUE_BYTES',
    value: '<size>',
    help: 'Per remote, most encoded samples waiting to be sent; when full, exports get 503 with Retry-After.',
    defaultText: '64MiB',
    apply: (raw, draft, what) => (draft.remoteWriteQueueBytes = parseBytes(what, raw)),
  },
  {
    flag: 'remote-write-max-batch-samples',
    env: 'LOOPSCOPE_REMOTE_WRITE_MAX_BATCH_SAMPLES',
    value: '<count>',
    help: 'Most samples in one remote-write request.',
    defaultText: String(d.remoteWriteMaxBatchSamples),
    apply: (raw, draft, what) => (draft.remoteWriteMaxBatchSamples = parseCount(what, raw)),
  },
  {
    flag: 'remote-write-concurrency',
    env: 'LOOPSCOPE_REMOTE_WRITE_CONCURRENCY',
    value: '<count>',
    help: 'Remote-write requests in flight per remote (each sender always goes through the same one, in order).',
    defaultText: String(d.remoteWriteConcurrency),
    apply: (raw, draft, what) => (draft.remoteWriteConcurrency = parseCount(what, raw)),
  },
  {
    flag: 'scrape-endpoint',
    env: 'LOOPSCOPE_SCRAPE_ENDPOINT',
    value: undefined,
    help: "Keep every series in memory for GET /metrics; --no-scrape-endpoint makes a pure remote-write gateway (/metrics then has only the collector's own metrics).",
    defaultText: 'on',
    apply: (raw, draft, what) => (draft.scrapeEndpoint = parseBoolean(what, raw)),
  },
];

function parseHeader(what: string, raw: string): [string, string] {
  const eq = raw.indexOf('=');
  const name = eq > 0 ? raw.slice(0, eq).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(
      `${what}: expected name=value (e.g. X-Scope-OrgID=team-a), got a header without a valid name`,
    );
  }
  return [name, raw.slice(eq + 1).trim()];
}

/** Settings only taken from the environment, with the reason. */
export const ENV_ONLY = [
  {
    env: 'LOOPSCOPE_AUTH_TOKENS',
    help: 'Bearer tokens, comma-separated (no flag: arguments are visible to every user in ps).',
    apply: (raw: string, draft: Draft) => addTokens(draft, parseList(raw), 'LOOPSCOPE_AUTH_TOKENS'),
  },
  {
    env: 'LOOPSCOPE_READ_AUTH_TOKENS',
    help: 'Read tokens for the UI and /api/v1/*, comma-separated (no flag: arguments are visible in ps).',
    apply: (raw: string, draft: Draft) =>
      addReadTokens(draft, parseList(raw), 'LOOPSCOPE_READ_AUTH_TOKENS'),
  },
] as const;

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const flag = `--${o.flag}${o.value ? ` ${o.value}` : ''}`;
    const def = o.defaultText ? ` (default: ${o.defaultText})` : '';
    return `  ${flag}\n      ${o.help}${def}\n      env: ${o.env ?? '-'}`;
  });
  return [
    'Usage: loopscope-collector [options]',
    '',
    'Receives OTLP/HTTP metrics (POST /v1/metrics) from loopscope agents and any',
    'OpenTelemetry SDK, aggregates them and exposes them to Prometheus (GET /metrics).',
    'Health: GET /healthz, GET /readyz. Flags win over environment variables.',
    '',
    'Options:',
    ...rows,
    ...ENV_ONLY.map((e) => `  (environment only) ${e.env}\n      ${e.help}`),
    '  --help',
    '      Print this help and exit.',
    '',
    'Exit codes: 0 after --help or a clean SIGTERM/SIGINT shutdown, 1 when the',
    'server fails (e.g. the port is in use), 2 for invalid settings.',
    '',
  ].join('\n');
}
