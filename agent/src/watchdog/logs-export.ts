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
import type { ResolvedOptions } from '../options.js';

/** The provider for startAgent, or undefined when the watchdog is set to send no events. */
export function createBlockLogsProvider(
  options: ResolvedOptions,
  resource: Resource,
): LoggerProvider | undefined {
  if (options.blockThresholdMs === 0 || options.blockMaxCapturesPerMinute === 0) return undefined;
  const config = {
    url: options.logsUrl,
    headers: { ...options.logsHeaders },
    timeoutMillis: options.exportTimeoutMs,
  };
  // The exporter module loads with the first event (export/lazy-log-exporter.ts).
  const exporter = new LazyLogExporter(options.logsProtocol, config);
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
