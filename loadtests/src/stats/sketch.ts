import { DDSketch } from '@datadog/sketches-js';

/**
 * Latency distributions are kept as DDSketches: mergeable (per-second
 * sketches fold into coarser buckets and into totals), a fixed relative
 * error on every quantile, and memory that depends on the value range, not
 * on the number of samples, so a 1 GB results file needs no more memory
 * than a small one.
 */
export const RELATIVE_ACCURACY = 0.01;

export type Sketch = DDSketch;

export function newSketch(): Sketch {
  return new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
}

/** The quantiles and moments the reports show, in the sketch's unit. */
export interface Distribution {
  count: number;
  avg: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function distribution(s: Sketch): Distribution | null {
  if (s.count === 0) return null;
  // Quantiles are clamped to the exact extremes the sketch also keeps.
  const q = (x: number) => Math.min(s.max, Math.max(s.min, s.getValueAtQuantile(x)));
  return {
    count: s.count,
    avg: s.sum / s.count,
    min: s.min,
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    max: s.max,
  };
}
