/**
 * The block events' OTLP log exporter, imported on the first export: most
 * processes never block past the threshold, and the SDK's log exporters
 * with `otlp-transformer` are ~0.5 MiB of heap (measured in
 * benchmarks/README.md, "Export path"). Until then nothing is loaded; an
 * import failure fails that export like a network error would.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OtlpProtocol } from '../options.js';

export interface LogExporterConfig {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly timeoutMillis: number;
}

/** Imports of the exporter in progress, process-wide. */
let loading = 0;
/**
 * True while the exporter's modules load. Their evaluation runs on the app's
 * loop for a moment (seconds on a starved machine) with no frame of the agent
 * on the stack: a busy-loop sample taken then would blame the app for the
 * agent's own work (seen: `resolve (node:path)` under `otlp-transformer`).
 */
export const exporterLoading = (): boolean => loading > 0;

export class LazyLogExporter implements LogRecordExporter {
  private inner: Promise<LogRecordExporter> | undefined;

  constructor(
    private readonly protocol: OtlpProtocol,
    private readonly config: LogExporterConfig,
  ) {}

  private load(): Promise<LogRecordExporter> {
    if (this.inner) return this.inner;
    loading++;
    const loaded = () => void loading--;
    this.inner = (
      this.protocol === 'http/json'
        ? import('@opentelemetry/exporter-logs-otlp-http')
        : import('@opentelemetry/exporter-logs-otlp-proto')
    ).then(({ OTLPLogExporter }) => new OTLPLogExporter(this.config));
    this.inner.then(loaded, loaded);
    return this.inner;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.load().then(
      (inner) => inner.export(logs, resultCallback),
      (err: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: err instanceof Error ? err : new Error(String(err)),
        }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.inner) await (await this.inner).forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.inner) await (await this.inner).shutdown();
  }
}
