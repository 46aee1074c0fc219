/**
 * Wraps the OTLP exporter to report connectivity the way an operator wants
 * it: one line when exports start failing, one line when they work again,
 * nothing per export. The SDK retries each failed export with backoff inside
 * the export timeout; nothing is queued across exports (cumulative
 * temporality: the next export carries everything), so memory stays bounded
 * however long the collector is down.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describeError, log } from '../log.js';
import { redactUrl } from '../redact.js';

type State = 'unknown' | 'up' | 'down';

export class ReportingExporter implements PushMetricExporter {
  private state: State = 'unknown';
  private readonly url: string;
  readonly selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  readonly selectAggregation?: PushMetricExporter['selectAggregation'];

  constructor(
    private readonly inner: PushMetricExporter,
    url: string,
  ) {
    this.url = redactUrl(url);
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
    this.selectAggregation = inner.selectAggregation?.bind(inner);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const done = (result: ExportResult): void => {
      this.report(result);
      resultCallback(result);
    };
    try {
      this.inner.export(metrics, done);
    } catch (err) {
      done({
        code: ExportResultCode.FAILED,
        error: err instanceof Error ? err : new Error(String(err)),
      });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  private report(result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      if (this.state === 'down') log.info(`metrics export to ${this.url} works again`);
      this.state = 'up';
      return;
    }
    if (this.state !== 'down') {
      const why = result.error ? describeError(result.error) : 'unknown error';
      log.warn(
        `metrics export to ${this.url} failed: ${why}; retrying every export interval, next message when it works again`,
      );
    }
    this.state = 'down';
  }
}
