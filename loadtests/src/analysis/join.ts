import type { ClientBucket } from '../stats/client.js';
import { quantileOf } from '../stats/series-math.js';
import { SIGNALS, type Point, type ServerData, type SignalKey } from '../server/source.js';

/** One time bucket of the run: what k6 saw and what the server's loop and pool did. */
export interface Row {
  /** Bucket start, ms since the epoch. */
  t: number;
  requests: number;
  rps: number;
  errors: number;
  dropped: number;
  vus: number;
  /** Client latency quantiles in ms; null when no request completed in the bucket. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  server: Record<SignalKey, number | null>;
}

/**
 * Resamples one server signal onto the buckets. A point at time t describes
 * the interval ending at t (an export, or a Prometheus evaluation), so it
 * belongs to the bucket (b, b + width]. Several points (instances) in one
 * bucket: the worst wins. A bucket without a point keeps the previous value
 * while the gap is shorter than 1.5 of the signal's own point spacing.
 */
export function resample(
  points: readonly Point[],
  starts: readonly number[],
  widthMs: number,
): (number | null)[] {
  const out: (number | null)[] = starts.map(() => null);
  if (points.length === 0 || starts.length === 0) return out;
  const first = starts[0] as number;
  const spacings: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const d = (points[i] as Point).t - (points[i - 1] as Point).t;
    if (d > 0) spacings.push(d);
  }
  const carryMs = Math.max(widthMs, 1.5 * (quantileOf(spacings, 0.5) ?? widthMs));
  let last: Point | undefined;
  for (const p of points) {
    const idx = Math.floor((p.t - 1 - first) / widthMs);
    if (idx < 0) {
      last = p;
      continue;
    }
    if (idx >= starts.length) break;
    out[idx] = Math.max(out[idx] ?? -Infinity, p.v);
  }
  let lastT = last?.t ?? -Infinity;
  let lastV = last?.v ?? null;
  for (let i = 0; i < starts.length; i++) {
    const end = (starts[i] as number) + widthMs;
    if (out[i] !== null) {
      lastT = end;
      lastV = out[i] as number;
    } else if (lastV !== null && end - lastT < carryMs) {
      out[i] = lastV;
    }
  }
  return out;
}

export function joinTimeline(
  client: readonly ClientBucket[],
  widthMs: number,
  server: ServerData | null,
): Row[] {
  const starts = client.map((b) => b.t);
  const resampled = Object.fromEntries(
    SIGNALS.map((k) => [
      k,
      server ? resample(server.signals[k], starts, widthMs) : starts.map(() => null),
    ]),
  ) as Record<SignalKey, (number | null)[]>;
  // A p99 estimated from histogram buckets (Prometheus interpolates inside
  // the bucket) can land above the measured max of the same window; no
  // quantile is above the max, so the max caps it, whatever the source.
  const p99s = resampled.loopDelayP99;
  resampled.loopDelayMax.forEach((max, i) => {
    const p = p99s[i];
    if (max !== null && max !== undefined && p !== null && p !== undefined && p > max)
      p99s[i] = max;
  });
  return client.map((b, i) => ({
    t: b.t,
    requests: b.requests,
    rps: b.rps,
    errors: b.errors,
    dropped: b.dropped,
    vus: b.vus,
    p50: b.latency?.p50 ?? null,
    p95: b.latency?.p95 ?? null,
    p99: b.latency?.p99 ?? null,
    max: b.latency?.max ?? null,
    server: Object.fromEntries(SIGNALS.map((k) => [k, resampled[k][i] ?? null])) as Record<
      SignalKey,
      number | null
    >,
  }));
}
