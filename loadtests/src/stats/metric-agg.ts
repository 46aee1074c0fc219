import type { MetricType } from '../k6/model.js';
import { ExactValues } from './exact.js';
import { newSketch, type Sketch } from './sketch.js';

/** One k6 metric's running aggregate, the way k6's sinks keep it. */
export class MetricAgg {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Gauge: the value of the latest sample by time. */
  last = NaN;
  private lastTime = -Infinity;
  /** Rate: samples whose value is non-zero. */
  trues = 0;
  readonly sketch: Sketch | undefined;
  private readonly exact: ExactValues | undefined;

  constructor(readonly type: MetricType) {
    this.sketch = type === 'trend' ? newSketch() : undefined;
    this.exact = type === 'trend' ? new ExactValues() : undefined;
  }

  /** k6's own percentile while the values are few enough to keep, else the sketch's. */
  quantile(x: number): number {
    const exact = this.exact?.quantile(x);
    if (exact !== undefined) return exact;
    const s = this.sketch as Sketch;
    return Math.min(this.max, Math.max(this.min, s.getValueAtQuantile(x)));
  }

  add(value: number, time: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value !== 0) this.trues++;
    if (time >= this.lastTime) {
      this.lastTime = time;
      this.last = value;
    }
    this.sketch?.accept(value);
    this.exact?.add(value);
  }

  /** k6's summary values for this metric; `durationSec` turns counts into per-second rates. */
  values(durationSec: number): Record<string, number> {
    if (this.count === 0) return {};
    switch (this.type) {
      case 'counter':
        return { count: this.sum, rate: durationSec > 0 ? this.sum / durationSec : 0 };
      case 'gauge':
        return { value: this.last, min: this.min, max: this.max };
      case 'rate':
        return {
          rate: this.trues / this.count,
          passes: this.trues,
          fails: this.count - this.trues,
        };
      case 'trend': {
        const q = (x: number) => this.quantile(x);
        return {
          avg: this.sum / this.count,
          min: this.min,
          med: q(0.5),
          max: this.max,
          'p(90)': q(0.9),
          'p(95)': q(0.95),
          'p(99)': q(0.99),
          count: this.count,
        };
      }
    }
  }

  /** The value a threshold's aggregation method names, or undefined if it does not apply to this type. */
  method(method: string, durationSec: number, percentile?: number): number | undefined {
    if (method === 'p' && this.sketch && percentile !== undefined)
      return this.quantile(percentile / 100);
    const v = this.values(durationSec);
    const key = method === 'med' ? 'med' : method;
    return v[key];
  }
}
