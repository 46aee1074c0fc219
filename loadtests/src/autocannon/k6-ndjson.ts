import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { MetricType } from '../k6/model.js';

/** k6 writes RFC 3339 with nanoseconds; so does this writer (from a fractional ms time). */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const fraction = ((ms - whole) / 1000).toFixed(9).slice(2);
  return `${new Date(whole).toISOString().slice(0, 19)}.${fraction}Z`;
}

export interface MetricSpec {
  type: MetricType;
  contains: 'default' | 'time' | 'data';
  thresholds?: string[];
}

/** k6's own declarations of the metrics this writer emits (see k6's metrics/builtin.go). */
export const K6_HTTP_METRICS: Readonly<Record<string, MetricSpec>> = {
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  iterations: { type: 'counter', contains: 'default' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  vus: { type: 'gauge', contains: 'default' },
};

/**
 * Writes results in the NDJSON schema `k6 run --out json` uses: one Metric
 * line the first time a metric appears, then one Point line per sample.
 * Lines are batched and written with backpressure (`await writer.flush()`).
 */
export class K6NdjsonWriter {
  private readonly declared = new Set<string>();
  private buffer = '';

  constructor(
    private readonly out: Writable,
    private readonly specs: Readonly<Record<string, MetricSpec>> = K6_HTTP_METRICS,
  ) {}

  point(
    metric: string,
    timeMs: number,
    value: number,
    tags: Readonly<Record<string, string>>,
  ): void {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      const spec = this.specs[metric] ?? { type: 'trend', contains: 'default' };
      this.buffer += `${JSON.stringify({
        type: 'Metric',
        data: {
          name: metric,
          type: spec.type,
          contains: spec.contains,
          thresholds: spec.thresholds ?? [],
          submetrics: null,
        },
        metric,
      })}\n`;
    }
    this.buffer += `${JSON.stringify({ metric, type: 'Point', data: { time: rfc3339Nano(timeMs), value, tags } })}\n`;
    if (this.buffer.length >= 1 << 16) this.writeBuffer();
  }

  /** One finished HTTP request, as k6 records it: http_reqs, http_req_duration, http_req_failed, iterations. */
  request(
    endMs: number,
    durationMs: number | null,
    status: number,
    tags: Readonly<Record<string, string>>,
  ): void {
    const failed = status === 0 || status >= 400;
    const t = { ...tags, status: String(status), expected_response: String(!failed) };
    this.point('http_reqs', endMs, 1, t);
    if (durationMs !== null) this.point('http_req_duration', endMs, durationMs, t);
    this.point('http_req_failed', endMs, failed ? 1 : 0, t);
    this.point('iterations', endMs, 1, {
      scenario: tags.scenario ?? 'default',
      ...(tags.testid ? { testid: tags.testid } : {}),
    });
  }

  private writeBuffer(): boolean {
    const ok = this.out.write(this.buffer);
    this.buffer = '';
    return ok;
  }

  /** Writes what is buffered and waits if the destination asked for a pause. */
  async flush(): Promise<void> {
    if (this.buffer !== '' && !this.writeBuffer()) await once(this.out, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}
