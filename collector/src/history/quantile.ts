/**
 * Quantiles of an explicit-bucket histogram, the way Prometheus'
 * histogram_quantile estimates them (linear inside the bucket), tightened by
 * the exact min and max when the sender reported them.
 */
import { sameBounds } from '../temporality.js';
export interface Buckets {
  /** Upper bounds; counts has bounds.length + 1 entries, the last for +Inf. */
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

export function quantile(q: number, { bounds, counts, min, max }: Buckets): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let below = 0;
  let value = bounds.at(-1) ?? 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      if (i >= bounds.length) {
        // +Inf bucket: only the reported max says how far it went.
        value = max ?? bounds.at(-1) ?? 0;
      } else {
        const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
        const upper = bounds[i] ?? lower;
        value = lower + ((upper - lower) * (rank - below)) / count;
      }
      break;
    }
    below += count;
  }
  if (max !== undefined) value = Math.min(value, max);
  if (min !== undefined) value = Math.max(value, min);
  return value;
}

/** Upper bound of the highest non-empty bucket: what a histogram alone knows of its maximum. */
export function upperBound({ bounds, counts }: Buckets): number | null {
  for (let i = counts.length - 1; i >= 0; i--) {
    if ((counts[i] ?? 0) > 0) return bounds[Math.min(i, bounds.length - 1)] ?? null;
  }
  return null;
}

/** Adds histograms with identical bounds; those with other bounds are left out. */
export function mergeBuckets(parts: readonly Buckets[]): Buckets | null {
  const first = parts[0];
  if (!first) return null;
  const counts = [...first.counts];
  let { min, max } = first;
  for (const part of parts.slice(1)) {
    if (!sameBounds(part.bounds, first.bounds)) continue;
    part.counts.forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c));
    min = min === undefined || part.min === undefined ? undefined : Math.min(min, part.min);
    max = max === undefined || part.max === undefined ? undefined : Math.max(max, part.max);
  }
  return { bounds: first.bounds, counts, min, max };
}
