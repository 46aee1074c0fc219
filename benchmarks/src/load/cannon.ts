/**
 * One autocannon run, summarised: throughput from autocannon's own counts
 * and latency percentiles from every response time it reports (its
 * histogram keeps whole milliseconds only, too coarse for a hello-world
 * p99 near 1 ms).
 */
import autocannon from 'autocannon';
import { quantile } from '../stats.js';

export interface CannonResult {
  /** 2xx responses. */
  readonly ok: number;
  readonly durationS: number;
  /** 2xx responses per second. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** Latencies kept for the percentiles, at most this many (the rest are counted only). */
const MAX_SAMPLES = 2_000_000;

export function fire(opts: autocannon.Options): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(opts, (err, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const ok = result['2xx'];
      resolve({
        ok,
        durationS: result.duration,
        rps: ok / result.duration,
        p50Ms: latencies.length ? quantile(latencies, 0.5) : NaN,
        p99Ms: latencies.length ? quantile(latencies, 0.99) : NaN,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      });
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300 && latencies.length < MAX_SAMPLES) latencies.push(ms);
    });
  });
}
