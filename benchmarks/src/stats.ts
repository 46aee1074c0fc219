/**
 * The statistics every benchmark reports: medians and percentiles of
 * samples, and ratios of paired A/B runs with the A/A spread beside them
 * (on these noisy machines a ratio means nothing without it).
 */

/** The q-quantile (0..1) of `values`, linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    p99: quantile(values, 0.99),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Ratios b[i]/a[i] of paired runs. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`unpaired runs: ${a.length} vs ${b.length}`);
  return a.map((x, i) => b[i]! / x);
}

export interface RatioSummary {
  /** Median of the paired ratios. */
  readonly median: number;
  /** Middle half of the paired ratios (25th and 75th percentiles). */
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

export function ratioSummary(ratios: readonly number[]): RatioSummary {
  return {
    median: median(ratios),
    p25: quantile(ratios, 0.25),
    p75: quantile(ratios, 0.75),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
  };
}

/** Signed percent change of a ratio: 0.97 -> "-3.0%". */
export function percent(ratio: number, digits = 1): string {
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(digits)}%`;
}
