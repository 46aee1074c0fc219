import { parseThreshold, compare } from '../k6/thresholds.js';
import type { ThresholdResult } from '../k6/model.js';
import type { Row } from './join.js';

/** What gave out first at a ramp's break point. */
export type Exhausted =
  'event-loop' | 'thread-pool' | 'outside-the-process' | 'load-generator' | 'unknown';

export interface Capacity {
  /** Highest offered rate (completed + dropped per second) before the break, with every per-bucket check holding. */
  breakPointRps: number | null;
  /** Start of the first bucket of the break, ms since the epoch; null when the ramp never broke. */
  brokeAt: number | null;
  /** Peak offered rate of the run. */
  peakOfferedRps: number;
  exhausted: Exhausted | null;
  evidence: string[];
}

const LOOP_DELAY_MS = 20;
const LOOP_BUSY = 0.9;
const POOL_DELAY_MS = 20;
/** Below this loop utilization the server had room: drops then come from the client side. */
const LOOP_IDLE = 0.5;

/**
 * For a ramping run (the offered rate at the end at least twice the start):
 * the break point and the resource that gave out first. A bucket holds when
 * the run's latency thresholds (p(N) < X on the latency metric) hold on its
 * own quantiles, no iteration was dropped, and the loop stayed healthy
 * (delay p99 < 20 ms, utilization < 90%). The first two failing buckets in a
 * row are the break; what they show names the cause: the loop (delay or
 * utilization), the pool (queue delay beyond the loop's own), the load
 * generator (dropped iterations while the loop idled and k6 had VUs to
 * spare), or outside the process.
 */
export function capacityOf(
  rows: readonly Row[],
  widthMs: number,
  thresholds: readonly ThresholdResult[],
  latencyMetric: string,
  vusMax: number | undefined,
): Capacity | null {
  if (rows.length < 6) return null;
  const sec = widthMs / 1000;
  const offered = rows.map((r) => (r.requests + r.dropped) / sec);
  const third = Math.max(1, Math.floor(rows.length / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const start = mean(offered.slice(0, third));
  const end = Math.max(...offered.slice(-third * 2));
  if (!(end >= 2 * start && end > 0)) return null;

  const latency = thresholds
    .filter((t) => t.metric === latencyMetric)
    .map((t) => parseThreshold(t.expression))
    .filter((t) => t !== undefined && t.method === 'p' && t.percentile !== undefined);
  const q = (r: Row, pct: number) => (pct >= 99 ? r.p99 : pct >= 95 ? r.p95 : r.p50);
  const problems = (r: Row): string[] => {
    const out: string[] = [];
    for (const t of latency) {
      const v = q(r, t?.percentile ?? 95);
      if (t && v !== null && !compare(v, t.op, t.bound))
        out.push(`p(${t.percentile}) ${v.toFixed(1)} ms breaks ${t.op}${t.bound}`);
    }
    if (r.dropped > 0) out.push(`${r.dropped} dropped iterations`);
    const s = r.server;
    if (s.loopDelayP99 !== null && s.loopDelayP99 >= LOOP_DELAY_MS)
      out.push(`loop delay p99 ${s.loopDelayP99.toFixed(1)} ms`);
    if (s.utilization !== null && s.utilization >= LOOP_BUSY)
      out.push(`loop utilization ${(s.utilization * 100).toFixed(0)}%`);
    return out;
  };
  let breakAt = -1;
  for (let i = 0; i + 1 < rows.length; i++) {
    if (problems(rows[i] as Row).length > 0 && problems(rows[i + 1] as Row).length > 0) {
      breakAt = i;
      break;
    }
  }
  const peakOfferedRps = Math.max(...offered);
  if (breakAt < 0)
    return {
      breakPointRps: null,
      brokeAt: null,
      peakOfferedRps,
      exhausted: null,
      evidence: [`held up to the peak offered rate of ${peakOfferedRps.toFixed(0)}/s`],
    };
  const before = offered.slice(0, breakAt);
  const breakPointRps = before.length > 0 ? Math.max(...before) : null;
  const broken = rows.slice(breakAt, breakAt + 2);
  const worst = (k: keyof Row['server']) =>
    broken.reduce<number | null>((m, r) => {
      const v = r.server[k];
      return v === null ? m : Math.max(m ?? -Infinity, v);
    }, null);
  const loop = worst('loopDelayP99');
  const util = worst('utilization');
  const pool = worst('poolDelayP99');
  const p95 = Math.max(...broken.map((r) => r.p95 ?? 0));
  const dropped = broken.reduce((a, r) => a + r.dropped, 0);
  const vus = Math.max(...broken.map((r) => r.vus));
  const evidence = [
    `broke at ${offered[breakAt]?.toFixed(0)}/s offered: ${problems(rows[breakAt] as Row).join(', ')}`,
  ];
  let exhausted: Exhausted;
  const haveServer = loop !== null || util !== null;
  if (haveServer && ((loop ?? 0) >= LOOP_DELAY_MS || (util ?? 0) >= LOOP_BUSY)) {
    exhausted = 'event-loop';
    evidence.push(
      `the event loop: delay p99 up to ${(loop ?? 0).toFixed(1)} ms, utilization up to ${((util ?? 0) * 100).toFixed(0)}%`,
    );
  } else if (pool !== null && pool - (loop ?? 0) >= POOL_DELAY_MS) {
    exhausted = 'thread-pool';
    evidence.push(`the thread pool: queue delay p99 up to ${pool.toFixed(1)} ms`);
  } else if (
    dropped > 0 &&
    (!haveServer || (util ?? 0) < LOOP_IDLE) &&
    (vusMax === undefined || vus < vusMax)
  ) {
    exhausted = 'load-generator';
    evidence.push(
      `the load generator: ${dropped} iterations dropped while the loop was ${haveServer ? `${((util ?? 0) * 100).toFixed(0)}% busy` : 'not measured'} and k6 had ${vusMax !== undefined ? `${vusMax - vus} of ${vusMax}` : 'unknown'} VUs to spare`,
    );
  } else if (haveServer) {
    exhausted = 'outside-the-process';
    evidence.push(
      `outside the process: client p95 ${p95.toFixed(1)} ms while the loop (delay ${(loop ?? 0).toFixed(1)} ms) and the pool stayed healthy`,
    );
  } else {
    exhausted = 'unknown';
    evidence.push(
      'no server data: pass --collector or --prometheus to say which resource gave out',
    );
  }
  return { breakPointRps, brokeAt: rows[breakAt]?.t ?? null, peakOfferedRps, exhausted, evidence };
}
