/**
 * The agent's own LoggerProvider for block events: OTLP/HTTP logs to the
 * same collector, with the same protocol and headers, as the metrics. Like
 * the MeterProvider it is never registered globally. Its queue is small:
 * events are rate-limited at the source, and nothing piles up in memory
 * while the collector is down.
 */
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { LazyLogExporter } from '../export/lazy-log-exporter.js';
import { DEFAULTS, PROTOCOLS, type OtlpProtocol, type ResolvedOptions } from '../options.js';
import { parseChoice, parseKeyValueList, parseUrl } from '../parse.js';

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): string | undefined => {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v : undefined;
};

/**
 * OTEL_EXPORTER_OTLP_LOGS_ENDPOINT as is; else the metrics URL with
 * /v1/metrics replaced by /v1/logs; else the base endpoint + /v1/logs.
 */
export function logsUrl(metricsUrl: string, env: Env = process.env): string {
  const full = set(env, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  if (full) return parseUrl(full, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT').href;
  if (metricsUrl.endsWith('/v1/metrics')) return `${metricsUrl.slice(0, -'metrics'.length)}logs`;
  const base = set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const url = base ? parseUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT') : new URL(DEFAULTS.endpoint);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL('v1/logs', url).href;
}

/** The provider for startAgent, or undefined when the watchdog is set to send no events. */
export function createBlockLogsProvider(
  options: ResolvedOptions,
  resource: Resource,
  env: Env = process.env,
): LoggerProvider | undefined {
  if (options.blockThresholdMs === 0 || options.blockMaxCapturesPerMinute === 0) return undefined;
  const protocolVar = set(env, 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL');
  const protocol: OtlpProtocol = protocolVar
    ? parseChoice(protocolVar, 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', PROTOCOLS)
    : options.protocol;
  const headersVar = set(env, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS');
  const config = {
    url: logsUrl(options.metricsUrl, env),
    headers: {
      ...options.headers,
      ...(headersVar ? parseKeyValueList(headersVar, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS') : {}),
    },
    timeoutMillis: options.exportTimeoutMs,
  };
  // The exporter module loads with the first event (export/lazy-log-exporter.ts).
  const exporter = new LazyLogExporter(protocol, config);
  return new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter,
        maxQueueSize: 64,
        maxExportBatchSize: 32,
        scheduledDelayMillis: 1000,
        exportTimeoutMillis: options.exportTimeoutMs,
      }),
    ],
  });
}
