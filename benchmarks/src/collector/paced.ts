/**
 * A fixed-rate (open-loop) sender: request i is due at start + i/rate and
 * sent then, whatever the answers before it did (a server that falls behind
 * is charged for the queue: requests wait for a free connection). Latency
 * is taken from the moment it is sent; how late the sender itself was
 * (descheduled on a shared core) is reported apart, as `maxLagMs`, so the
 * sender's stalls are not charged to the server.
 * autocannon's `overallRate` was measured unfit for this: it sends each
 * second's quota in a burst, which against a no-op loopback server read
 * p50 5.5 ms and p99 23 ms at 1,000 requests/s.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from '../stats.js';
import type { CannonResult } from '../load/cannon.js';

export interface PacedResult extends CannonResult {
  /** Largest delay between a request's due time and its sending, ms. */
  readonly maxLagMs: number;
}

export interface PacedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Requests still unanswered this long after the run are counted as errors. */
const DRAIN_MS = 30_000;

export async function paced(
  url: string,
  rate: number,
  durationS: number,
  next: () => PacedRequest,
  maxSockets = 64,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(url);
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let pending = 0;
  let maxLagMs = 0;
  const send = (due: number): void => {
    const r = next();
    const sentAt = performance.now();
    maxLagMs = Math.max(maxLagMs, sentAt - due);
    pending++;
    const req = request(
      {
        host: hostname,
        port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, 'content-length': String(r.body.length) },
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          pending--;
          if (res.statusCode! >= 200 && res.statusCode! < 300) {
            ok++;
            latencies.push(performance.now() - sentAt);
          } else non2xx++;
        });
      },
    );
    req.on('error', () => {
      pending--;
      errors++;
    });
    req.end(r.body);
  };
  const start = performance.now();
  const total = Math.round(rate * durationS);
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // Everything due by now goes out.
    while (sent < total && start + (sent * 1000) / rate <= now)
      send(start + (sent++ * 1000) / rate);
    await sleep(1);
  }
  const sentAll = performance.now();
  while (pending > 0 && performance.now() - sentAll < DRAIN_MS) await sleep(5);
  errors += pending;
  agent.destroy();
  const elapsedS = (performance.now() - start) / 1000;
  return {
    ok,
    durationS: elapsedS,
    rps: ok / Math.max(durationS, elapsedS),
    p50Ms: latencies.length ? quantile(latencies, 0.5) : NaN,
    p99Ms: latencies.length ? quantile(latencies, 0.99) : NaN,
    errors,
    non2xx,
    maxLagMs,
  };
}
