/**
 * Every value of a trend while there are few enough of them, so quantiles
 * come out exactly as k6 computes them (sorted values, linear interpolation
 * at rank q * (n - 1)). In a short run the tail holds a handful of samples
 * and a sketch's rank pick can land several percent away from k6's
 * interpolated figure; past `cap` values (800 kB of float64) the buffer is
 * released and the caller's sketch (1% relative accuracy) answers.
 */
export const EXACT_CAP = 100_000;

export class ExactValues {
  private values: Float64Array | null = new Float64Array(64);
  private n = 0;
  private sorted = true;

  constructor(private readonly cap = EXACT_CAP) {}

  add(v: number): void {
    if (this.values === null) return;
    if (this.n === this.cap) {
      this.values = null; // too many: the sketch takes over
      return;
    }
    if (this.n === this.values.length) {
      const grown = new Float64Array(Math.min(this.cap, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = v;
    this.sorted = false;
  }

  /** k6's percentile of the values, or undefined once past the cap (or empty). */
  quantile(q: number): number | undefined {
    if (this.values === null || this.n === 0) return undefined;
    const v = this.values.subarray(0, this.n);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    const i = q * (this.n - 1);
    const lo = v[Math.floor(i)] as number;
    const hi = v[Math.ceil(i)] as number;
    return lo + (hi - lo) * (i - Math.floor(i));
  }
}
