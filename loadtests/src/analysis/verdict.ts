import { SIGNAL_INFO, type SignalKey } from '../server/source.js';
import { pearson, quantileOf } from '../stats/series-math.js';
import { clock, ms, num } from '../report/units.js';
import type { Row } from './join.js';

export type Bottleneck = 'event-loop' | 'thread-pool' | 'neither' | 'unknown';

export interface Verdict {
  bottleneck: Bottleneck;
  /** Did client latency degrade (or the server hold it up) during the run? */
  degraded: boolean;
  summary: string;
  evidence: string[];
  /** Share of the judged buckets each cause explains (0..1), and the share of slow buckets. */
  scores: { loop: number; pool: number; slow: number };
}

export interface Divergence {
  /** Start of the first bucket of sustained slowness. */
  t: number;
  latencyMs: number;
  baselineMs: number;
  limitMs: number;
  /** Server signals that crossed their limit near that moment; negative lead = before latency. */
  signals: { signal: SignalKey; t: number; leadMs: number }[];
}

export interface Correlation {
  signal: SignalKey;
  /** Pearson r between client latency p95 and the signal over buckets with both; null if too few. */
  r: number | null;
  n: number;
}

export interface VerdictOptions {
  /** A server delay below this (ms) is noise, whatever its share. */
  minImpactMs: number;
  /** A server delay counts when it is at least this share of the bucket's client p95. */
  shareOfLatency: number;
  /** A cause (or slowness) must show in at least this share of the judged buckets. */
  minBucketShare: number;
  /** Slow = p95 above max(baseline x factor, baseline + divergeMinMs). */
  divergeFactor: number;
  divergeMinMs: number;
  /** Utilization from which the loop counts as busy (evidence only). */
  busyUtilization: number;
}

export const DEFAULT_VERDICT_OPTIONS: VerdictOptions = {
  minImpactMs: 20,
  shareOfLatency: 0.25,
  minBucketShare: 0.2,
  divergeFactor: 2,
  divergeMinMs: 25,
  busyUtilization: 0.9,
};

export interface Analysis {
  verdict: Verdict;
  divergence: Divergence | null;
  correlations: Correlation[];
}

const CORRELATED: readonly SignalKey[] = [
  'loopDelayP99',
  'loopDelayMax',
  'utilization',
  'poolDelayP99',
  'activeResources',
  'poolPending',
];

/** Queue wait of the pool probe beyond what the loop itself added (the probe's callback also waits for the loop). */
const poolOnly = (r: Row) =>
  r.server.poolDelayP99 === null
    ? null
    : Math.max(0, r.server.poolDelayP99 - (r.server.loopDelayP99 ?? 0));

function loopHit(r: Row, o: VerdictOptions): boolean {
  const loop = r.server.loopDelayP99;
  if (loop === null) return false;
  return loop >= o.minImpactMs && loop >= o.shareOfLatency * (r.p95 ?? 0);
}

function poolHit(r: Row, o: VerdictOptions): boolean {
  const pool = poolOnly(r);
  const loop = r.server.loopDelayP99 ?? 0;
  if (pool === null) return false;
  // Saturation shows as a pool wait well beyond the loop's own delay.
  return (
    pool >= o.minImpactMs &&
    pool >= o.shareOfLatency * (r.p95 ?? 0) &&
    (r.server.poolDelayP99 ?? 0) >= 2 * loop
  );
}

const maxOf = (rows: readonly Row[], pick: (r: Row) => number | null) =>
  rows.reduce<number | null>((m, r) => {
    const v = pick(r);
    return v === null ? m : Math.max(m ?? -Infinity, v);
  }, null);

function correlations(rows: readonly Row[]): Correlation[] {
  return CORRELATED.map((signal) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const r of rows) {
      const v = r.server[signal];
      if (r.p95 !== null && v !== null) {
        xs.push(r.p95);
        ys.push(v);
      }
    }
    return { signal, r: pearson(xs, ys), n: xs.length };
  });
}

function findDivergence(
  rows: readonly Row[],
  slow: readonly boolean[],
  baseline: number,
  limit: number,
  o: VerdictOptions,
): Divergence | null {
  let at = -1;
  for (let i = 0; i < rows.length; i++) {
    if (slow[i] && (i === rows.length - 1 || slow[i + 1])) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  const row = rows[at] as Row;
  const limits: [SignalKey, (r: Row) => boolean][] = [
    ['loopDelayP99', (r) => (r.server.loopDelayP99 ?? 0) >= o.minImpactMs],
    ['poolDelayP99', (r) => (poolOnly(r) ?? 0) >= o.minImpactMs],
    ['utilization', (r) => (r.server.utilization ?? 0) >= o.busyUtilization],
  ];
  const signals: Divergence['signals'] = [];
  // Look a few buckets either side: exports and scrapes blur the exact moment.
  const from = Math.max(0, at - 5);
  const to = Math.min(rows.length - 1, at + 2);
  for (const [signal, crossed] of limits) {
    for (let i = from; i <= to; i++) {
      const r = rows[i] as Row;
      if (crossed(r)) {
        signals.push({ signal, t: r.t, leadMs: r.t - row.t });
        break;
      }
    }
  }
  return {
    t: row.t,
    latencyMs: row.p95 ?? row.max ?? limit,
    baselineMs: baseline,
    limitMs: limit,
    signals,
  };
}

/**
 * Names the likely bottleneck from the joined timeline. A bucket is
 * explained by the loop when the loop's delay p99 is a real share of the
 * client's p95; by the pool when the pool probe waited well beyond the loop's
 * own delay. Slowness with neither explained points outside the process.
 * Buckets where k6 dropped iterations and nothing completed count as slow:
 * a stalled server completes nothing.
 */
export function analyseRows(rows: readonly Row[], opts: Partial<VerdictOptions> = {}): Analysis {
  const o = { ...DEFAULT_VERDICT_OPTIONS, ...opts };
  const measured = rows.filter((r) => r.p95 !== null);
  const corr = correlations(rows);
  if (measured.length === 0)
    return {
      verdict: {
        bottleneck: 'unknown',
        degraded: false,
        summary: 'unknown: no request completed, nothing to judge',
        evidence: [],
        scores: { loop: 0, pool: 0, slow: 0 },
      },
      divergence: null,
      correlations: corr,
    };
  const baseline = quantileOf(
    measured.map((r) => r.p95 as number),
    0.1,
  ) as number;
  const limit = Math.max(baseline * o.divergeFactor, baseline + o.divergeMinMs);
  const slow = rows.map((r) => (r.p95 !== null ? r.p95 > limit : r.dropped > 0));
  const judged = rows.filter((r, i) => r.p95 !== null || slow[i]);
  const slowRows = rows.filter((_, i) => slow[i]);
  const slowShare = slowRows.length / judged.length;
  const divergence = findDivergence(rows, slow, baseline, limit, o);
  const peakP95 = maxOf(measured, (r) => r.p95) as number;
  const evidence: string[] = [];
  const latencyLine = divergence
    ? `client p95 left its baseline of ${ms(baseline)} at ${clock(divergence.t)} and peaked at ${ms(peakP95)}; ${slowRows.length} of ${judged.length} buckets were slow (p95 > ${ms(limit)})`
    : `client p95 stayed between ${ms(baseline)} (baseline) and ${ms(peakP95)}; no sustained divergence (limit ${ms(limit)})`;
  evidence.push(latencyLine);
  const dropped = rows.reduce((s, r) => s + r.dropped, 0);
  if (dropped > 0)
    evidence.push(`k6 dropped ${dropped} iterations: the arrival rate could not be sustained`);

  const withServer = judged.filter(
    (r) => r.server.loopDelayP99 !== null || r.server.poolDelayP99 !== null,
  );
  if (withServer.length === 0) {
    const degraded = slowShare >= o.minBucketShare;
    return {
      verdict: {
        bottleneck: 'unknown',
        degraded,
        summary: `unknown: no server-side data for the run's window${degraded ? ' (latency did degrade)' : ''}; pass --prometheus or --collector with --job`,
        evidence,
        scores: { loop: 0, pool: 0, slow: slowShare },
      },
      divergence,
      correlations: corr,
    };
  }
  const focusAll = slowShare >= o.minBucketShare ? slowRows : judged;
  const focus = focusAll.filter(
    (r) => r.server.loopDelayP99 !== null || r.server.poolDelayP99 !== null,
  );
  const base = focus.length > 0 ? focus : withServer;
  const loopShare = base.filter((r) => loopHit(r, o)).length / base.length;
  const poolShare = base.filter((r) => poolHit(r, o)).length / base.length;
  const loopPeak = maxOf(rows, (r) => r.server.loopDelayP99);
  const loopMax = maxOf(rows, (r) => r.server.loopDelayMax);
  const poolPeak = maxOf(rows, (r) => r.server.poolDelayP99);
  const poolOnlyPeak = maxOf(rows, poolOnly);
  const eluPeak = maxOf(rows, (r) => r.server.utilization);
  const corrOf = (s: SignalKey) => corr.find((c) => c.signal === s)?.r ?? null;
  const scores = { loop: loopShare, pool: poolShare, slow: slowShare };
  const where = focus === focusAll && slowShare >= o.minBucketShare ? 'slow buckets' : 'buckets';

  let bottleneck: Bottleneck;
  if (Math.max(loopShare, poolShare) >= o.minBucketShare) {
    const medianOf = (pick: (r: Row) => number | null) =>
      quantileOf(
        base.map(pick).filter((v): v is number => v !== null),
        0.5,
      ) ?? 0;
    bottleneck =
      loopShare > poolShare ||
      (loopShare === poolShare && medianOf((r) => r.server.loopDelayP99) >= medianOf(poolOnly))
        ? 'event-loop'
        : 'thread-pool';
  } else {
    bottleneck = 'neither';
  }

  if (bottleneck === 'event-loop') {
    evidence.push(
      `event-loop delay p99 reached ${ms(loopPeak)} (max ${ms(loopMax)}) and was at least ${Math.round(o.shareOfLatency * 100)}% of client p95 in ${Math.round(loopShare * 100)}% of the ${where}`,
    );
    const r = corrOf('loopDelayP99');
    if (r !== null) evidence.push(`client p95 and loop delay p99 correlate: r = ${num(r, 2)}`);
    if (eluPeak !== null && eluPeak >= o.busyUtilization)
      evidence.push(
        `event-loop utilization peaked at ${Math.round(eluPeak * 100)}%: the loop was busy running JavaScript, not waiting`,
      );
    if (poolPeak !== null)
      evidence.push(
        `thread-pool queue delay beyond the loop's own stayed at most ${ms(poolOnlyPeak)}`,
      );
  } else if (bottleneck === 'thread-pool') {
    evidence.push(
      `thread-pool queue delay p99 reached ${ms(poolPeak)} while event-loop delay p99 peaked at ${ms(loopPeak)}; the pool wait was at least ${Math.round(o.shareOfLatency * 100)}% of client p95 in ${Math.round(poolShare * 100)}% of the ${where}`,
    );
    const r = corrOf('poolDelayP99');
    if (r !== null)
      evidence.push(`client p95 and thread-pool queue delay correlate: r = ${num(r, 2)}`);
    const pending = maxOf(rows, (x) => x.server.poolPending);
    if (pending !== null && pending > 0)
      evidence.push(
        `up to ${num(pending, 0)} thread-pool requests were in flight (fs/dns; crypto and zlib are not counted)`,
      );
  } else {
    evidence.push(
      `event-loop delay p99 stayed at most ${ms(loopPeak)} and thread-pool queue delay at most ${ms(poolPeak)}: neither held requests up (limit ${ms(o.minImpactMs)} and ${Math.round(o.shareOfLatency * 100)}% of p95)`,
    );
  }
  if (divergence && divergence.signals.length > 0) {
    const s = divergence.signals
      .map(
        (x) =>
          `${SIGNAL_INFO[x.signal].label} crossed its limit ${x.leadMs === 0 ? 'in the same bucket' : x.leadMs < 0 ? `${ms(-x.leadMs)} before` : `${ms(x.leadMs)} after`}`,
      )
      .join('; ');
    evidence.push(`at the divergence: ${s}`);
  }

  const degraded =
    bottleneck === 'event-loop' || bottleneck === 'thread-pool' || slowShare >= o.minBucketShare;
  const summary =
    bottleneck === 'event-loop'
      ? 'event-loop blocking: requests waited for the loop, which was busy running synchronous JavaScript'
      : bottleneck === 'thread-pool'
        ? 'thread-pool saturation: requests waited in the libuv thread-pool queue while the loop itself was free'
        : degraded
          ? 'neither: latency degraded but the loop and the thread pool were healthy; look outside the process (downstream calls, network, the load generator, CPU steal)'
          : 'neither: latency stayed flat and the loop and the thread pool were healthy (clean run)';
  return {
    verdict: { bottleneck, degraded, summary, evidence, scores },
    divergence,
    correlations: corr,
  };
}
