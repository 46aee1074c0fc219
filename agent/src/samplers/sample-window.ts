/**
 * The samples of one collection window, for the min/max/mean/stddev/p50/
 * p90/p99 gauges. A perf_hooks RecordableHistogram walks all of its HDR
 * buckets for each of those reads (~0.3 ms each here, several per
 * collection); a window holds ~100 samples (10 s at 100 ms), so keeping them
 * and sorting once is far cheaper. Memory is bounded: past `capacity`
 * samples (nobody collecting) the percentiles cover the latest ones, while
 * count, min, max, mean and stddev stay exact.
 */

export interface WindowStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export class SampleWindow {
  private readonly values: Float64Array;
  private count = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(capacity = 4096) {
    this.values = new Float64Array(capacity);
  }

  record(value: number): void {
    this.values[this.count % this.values.length] = value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sum += value;
    this.sumOfSquares += value * value;
  }

  /** Statistics of the window so far; undefined when it is empty. */
  stats(): WindowStats | undefined {
    if (this.count === 0) return undefined;
    const sorted = this.values.slice(0, Math.min(this.count, this.values.length)).sort();
    // Nearest rank, as the HDR histogram's percentile() reads.
    const rank = (p: number): number =>
      sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
    const mean = this.sum / this.count;
    return {
      count: this.count,
      min: this.min,
      max: this.max,
      mean,
      stddev: Math.sqrt(Math.max(0, this.sumOfSquares / this.count - mean * mean)),
      p50: rank(50),
      p90: rank(90),
      p99: rank(99),
    };
  }

  reset(): void {
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.sum = 0;
    this.sumOfSquares = 0;
  }
}
