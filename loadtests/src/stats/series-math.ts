/** Small statistics over plain arrays (a run has at most a few thousand buckets). */

/** Linear-interpolated quantile of `values` (0..1); undefined for an empty list. */
export function quantileOf(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, z) => a - z);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Pearson correlation of paired values; null with fewer than `minPairs` pairs or no variance. */
export function pearson(xs: readonly number[], ys: readonly number[], minPairs = 5): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < minPairs) return null;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i] as number;
    sy += ys[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  // A constant series (up to rounding) has no correlation to speak of.
  const flat = (v: number, m: number) => v <= 1e-12 * n * Math.max(1, m * m);
  if (flat(vx, mx) || flat(vy, my)) return null;
  return cov / Math.sqrt(vx * vy);
}
