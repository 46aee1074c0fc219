import { ATTR, DELAY_BUCKETS_SECONDS, METRICS } from '@loopscope/agent/names';
import type { DecodedMetric, HistogramPoint, ResourceMetrics } from '../../src/otlp/model.js';

/**
 * Builds the decoded exports an agent would send: cumulative histograms that
 * grow by the observations given per interval, plus gauges.
 */
export class FakeSender {
  private readonly loopCounts = new Array<number>(DELAY_BUCKETS_SECONDS.length + 1).fill(0);
  private loopCount = 0;
  private loopSum = 0;
  private loopMax = 0;

  constructor(
    readonly job: string,
    readonly instance: string,
    readonly startTimeMs = Date.now(),
  ) {}

  /** One export carrying `delays` (seconds) observed since the last one. */
  export(
    timeMs: number,
    delays: readonly number[],
    gauges: { utilization?: number; resources?: Record<string, number> } = {},
  ): ResourceMetrics {
    for (const d of delays) {
      const i = DELAY_BUCKETS_SECONDS.findIndex((b) => d <= b);
      const idx = i === -1 ? DELAY_BUCKETS_SECONDS.length : i;
      this.loopCounts[idx] = (this.loopCounts[idx] ?? 0) + 1;
      this.loopCount += 1;
      this.loopSum += d;
      this.loopMax = Math.max(this.loopMax, d);
    }
    const point: HistogramPoint = {
      attributes: {},
      startTimeMs: this.startTimeMs,
      timeMs,
      count: this.loopCount,
      sum: this.loopSum,
      bounds: [...DELAY_BUCKETS_SECONDS],
      bucketCounts: [...this.loopCounts],
      max: this.loopMax,
    };
    const gauge = (name: string, value: number): DecodedMetric => ({
      name,
      unit: '',
      description: '',
      type: 'gauge',
      points: [{ attributes: {}, startTimeMs: timeMs, timeMs, value }],
    });
    const metrics: DecodedMetric[] = [
      {
        name: METRICS.eventloopDelay.name,
        unit: METRICS.eventloopDelay.unit,
        description: '',
        type: 'histogram',
        temporality: 'cumulative',
        points: [point],
      },
    ];
    if (gauges.utilization !== undefined) {
      metrics.push(gauge(METRICS.eventloopUtilization.name, gauges.utilization));
    }
    if (gauges.resources) {
      metrics.push({
        name: METRICS.resourceActive.name,
        unit: METRICS.resourceActive.unit,
        description: '',
        type: 'gauge',
        points: Object.entries(gauges.resources).map(([type, value]) => ({
          attributes: { [ATTR.resourceType]: type },
          startTimeMs: timeMs,
          timeMs,
          value,
        })),
      });
    }
    return { sender: { job: this.job, instance: this.instance, attributes: {} }, metrics };
  }
}

/** `n` copies of a delay. */
export const times = (n: number, seconds: number): number[] => new Array<number>(n).fill(seconds);
