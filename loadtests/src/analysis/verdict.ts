import { SIGNAL_INFO, type SignalKey } from '../server/source.js';
import { pearson, quantileOf } from '../stats/series-math.js';
import { clock, ms, num } from '../report/units.js';
import type { Row } from './join.js';

export type Bottleneck = 'event-loop' | 'cpu-starvation' | 'thread-pool' | 'neither' | 'unknown';

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
  /**
   * The strongest r with the server series shifted by up to three buckets
   * (exports and scrapes report a little late): `lag` buckets later when > 0.
   */
  best: { lag: number; r: number } | null;
}

const MAX_LAG = 3;

export interface VerdictOptions {
  /** In slow buckets, a server delay below this (ms) is noise, whatever its share. */
  minImpactMs: number;
  /** In slow buckets, a server delay counts when it is at least this share of the bucket's client p95. */
  shareOfLatency: number;
  /** Slowness, and a cause within it, must show in at least this share of the buckets. */
  minBucketShare: number;
  /** Slow = p95 above max(baseline x factor, baseline + divergeMinMs), two buckets in a row. */
  divergeFactor: number;
  divergeMinMs: number;
  /**
   * Without a divergence (a run slow from its first second, or a clean one)
   * a cause must be stronger: a delay of at least `steadyMinImpactMs`, half
   * of client p95, in half the buckets, and for the loop a utilization of at
   * least `steadyUtilization` (a late timer on an idle loop is the machine
   * not scheduling the process, not JavaScript blocking).
   */
  steadyMinImpactMs: number;
  steadyShareOfLatency: number;
  steadyBucketShare: number;
  steadyUtilization: number;
  /** ... and at most this many times the client p95 (see Criteria.maxTimesLatency). */
  steadyMaxTimesLatency: number;
  /** Utilization from which the loop counts as busy (evidence). */
  busyUtilization: number;
  /**
   * The client numbers are the whole run's (a summary file), repeated in
   * every bucket: no divergence or correlation is looked for, only the
   * steady criteria apply.
   */
  wholeRunClient: boolean;
}

export const DEFAULT_VERDICT_OPTIONS: VerdictOptions = {
  minImpactMs: 20,
  shareOfLatency: 0.25,
  minBucketShare: 0.2,
  divergeFactor: 2,
  divergeMinMs: 25,
  steadyMinImpactMs: 50,
  steadyShareOfLatency: 0.5,
  steadyBucketShare: 0.5,
  steadyUtilization: 0.3,
  steadyMaxTimesLatency: 3,
  busyUtilization: 0.9,
  wholeRunClient: false,
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

interface Criteria {
  minImpactMs: number;
  share: number;
  /**
   * The delay may be at most this many times the client p95 (Infinity: no
   * limit): a pool still draining earlier work while fast requests pass, or a
   * loop stalled for a moment that most requests never met, held nobody up.
   */
  maxTimesLatency: number;
  /** Least loop utilization for the loop to be blamed; 0 = not required. */
  utilization: number;
}

function loopHit(r: Row, c: Criteria): boolean {
  const loop = r.server.loopDelayP99;
  if (loop === null) return false;
  const busy =
    c.utilization === 0 || r.server.utilization === null || r.server.utilization >= c.utilization;
  const p95 = r.p95 ?? 0;
  return loop >= c.minImpactMs && loop >= c.share * p95 && loop <= c.maxTimesLatency * p95 && busy;
}

function poolHit(r: Row, c: Criteria): boolean {
  const pool = poolOnly(r);
  if (pool === null) return false;
  // Saturation shows as a pool wait well beyond the loop's own delay.
  const loop = r.server.loopDelayP99 ?? 0;
  const p95 = r.p95 ?? 0;
  return (
    pool >= c.minImpactMs &&
    pool >= c.share * p95 &&
    pool <= c.maxTimesLatency * p95 &&
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
    const at = (lag: number) => {
      const xs: number[] = [];
      const ys: number[] = [];
      rows.forEach((r, i) => {
        const v = rows[i + lag]?.server[signal] ?? null;
        if (r.p95 !== null && v !== null) {
          xs.push(r.p95);
          ys.push(v);
        }
      });
      return { r: pearson(xs, ys), n: xs.length };
    };
    const zero = at(0);
    let best: Correlation['best'] = zero.r === null ? null : { lag: 0, r: zero.r };
    for (let lag = -MAX_LAG; lag <= MAX_LAG; lag++) {
      const { r } = at(lag);
      if (r !== null && (best === null || r > best.r + 1e-9)) best = { lag, r };
    }
    return { signal, r: zero.r, n: zero.n, best };
  });
}

function correlationLine(
  c: Correlation | undefined,
  label: string,
  widthMs: number,
): string | undefined {
  if (!c?.best) return undefined;
  const { lag, r } = c.best;
  const strength =
    r >= 0.7 ? 'correlate strongly' : r >= 0.4 ? 'correlate' : 'correlate only weakly';
  const shift =
    lag === 0
      ? ''
      : ` with the server series ${ms(Math.abs(lag) * widthMs)} ${lag > 0 ? 'later' : 'earlier'} (export and scrape delay)`;
  return `client p95 and ${label} ${strength}: r = ${num(r, 2)}${shift}`;
}

/** Slow buckets that belong to a run of at least two: one slow second on a shared machine is noise. */
function sustained(slow: readonly boolean[]): boolean[] {
  return slow.map((s, i) => s && (slow[i - 1] === true || slow[i + 1] === true));
}

function findDivergence(
  rows: readonly Row[],
  slow: readonly boolean[],
  baseline: number,
  limit: number,
  o: VerdictOptions,
): Divergence | null {
  const at = slow.indexOf(true);
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

const pctOf = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Names the likely bottleneck from the joined timeline.
 *
 * With a divergence (client p95 above its baseline for two buckets or more,
 * in at least `minBucketShare` of the run) the slow buckets are judged: the
 * loop is to blame where its delay p99 is a real share of the client's p95,
 * the pool where its probe waited well beyond the loop's own delay; slowness
 * that neither explains points outside the process. Buckets where k6
 * dropped iterations and nothing completed count as slow: a stalled server
 * completes nothing.
 *
 * Without one, every bucket is judged with the stricter steady criteria, so
 * a run slow from its first second is still named and a clean run on a
 * noisy machine is not blamed on the loop.
 */
export function analyseRows(rows: readonly Row[], opts: Partial<VerdictOptions> = {}): Analysis {
  const o = { ...DEFAULT_VERDICT_OPTIONS, ...opts };
  const measured = rows.filter((r) => r.p95 !== null);
  const corr = o.wholeRunClient ? [] : correlations(rows);
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
  // A summary has no latency over time, so no divergence to find; a run whose
  // p95 stands far above its own median (the same limit a divergence uses,
  // the median as baseline) degraded somewhere, and every bucket is judged
  // as a slow one, with the same criteria as an NDJSON run's slow buckets.
  const first = measured[0] as Row;
  const wholeRunLimit =
    first.p50 !== null
      ? Math.max(first.p50 * o.divergeFactor, first.p50 + o.divergeMinMs)
      : Infinity;
  const wholeRunDegraded = o.wholeRunClient && (first.p95 as number) > wholeRunLimit;
  const slow = o.wholeRunClient
    ? rows.map(() => wholeRunDegraded)
    : sustained(rows.map((r) => (r.p95 !== null ? r.p95 > limit : r.dropped > 0)));
  const judged = rows.filter((r, i) => r.p95 !== null || slow[i]);
  const slowRows = rows.filter((_, i) => slow[i]);
  const slowShare = slowRows.length / judged.length;
  const diverged = slowShare >= o.minBucketShare;
  const divergence = findDivergence(rows, slow, baseline, limit, o);
  const peakP95 = maxOf(measured, (r) => r.p95) as number;
  const evidence: string[] = [
    o.wholeRunClient
      ? `summary input: no per-second client data, so each bucket is judged against the run's p95 of ${ms(peakP95)}${wholeRunDegraded ? `, which is above its median's limit of ${ms(wholeRunLimit)}: the run degraded` : ''}`
      : divergence
        ? `client p95 left its baseline of ${ms(baseline)} at ${clock(divergence.t)} and peaked at ${ms(peakP95)}; ${slowRows.length} of ${judged.length} buckets were slow (p95 > ${ms(limit)} in two buckets or more in a row)`
        : `client p95 stayed between ${ms(baseline)} (baseline) and ${ms(peakP95)} with no sustained divergence (limit ${ms(limit)})`,
  ];
  const dropped = rows.reduce((s, r) => s + r.dropped, 0);
  if (dropped > 0)
    evidence.push(`k6 dropped ${dropped} iterations: the arrival rate could not be sustained`);

  const hasServer = (r: Row) => r.server.loopDelayP99 !== null || r.server.poolDelayP99 !== null;
  if (!judged.some(hasServer)) {
    return {
      verdict: {
        bottleneck: 'unknown',
        degraded: diverged,
        summary: `unknown: no server-side data for the run's window${diverged ? ' (latency did degrade)' : ''}; pass --prometheus or --collector with --job`,
        evidence,
        scores: { loop: 0, pool: 0, slow: slowShare },
      },
      divergence,
      correlations: corr,
    };
  }

  const focus = (diverged ? slowRows : judged).filter(hasServer);
  const picked = focus.length > 0 ? focus : judged.filter(hasServer);
  // A degraded summary's p95 is the worst stretch of the run, not each bucket's latency:
  // a delay counts against the run's typical (median) latency instead.
  const base =
    wholeRunDegraded && first.p50 !== null ? picked.map((r) => ({ ...r, p95: first.p50 })) : picked;
  const criteria: Criteria = diverged
    ? {
        minImpactMs: o.minImpactMs,
        share: o.shareOfLatency,
        maxTimesLatency: Infinity,
        utilization: 0,
      }
    : {
        minImpactMs: o.steadyMinImpactMs,
        share: o.steadyShareOfLatency,
        maxTimesLatency: o.steadyMaxTimesLatency,
        utilization: o.steadyUtilization,
      };
  const needed = diverged ? o.minBucketShare : o.steadyBucketShare;
  const loopShare = base.filter((r) => loopHit(r, criteria)).length / base.length;
  const poolShare = base.filter((r) => poolHit(r, criteria)).length / base.length;
  const scores = { loop: loopShare, pool: poolShare, slow: slowShare };
  const loopPeak = maxOf(rows, (r) => r.server.loopDelayP99);
  const loopMax = maxOf(rows, (r) => r.server.loopDelayMax);
  const poolPeak = maxOf(rows, (r) => r.server.poolDelayP99);
  const poolOnlyPeak = maxOf(rows, poolOnly);
  const eluPeak = maxOf(rows, (r) => r.server.utilization);
  const widthMs = rows.length > 1 ? (rows[1] as Row).t - (rows[0] as Row).t : 1000;
  const corrLine = (s: SignalKey) =>
    correlationLine(
      corr.find((c) => c.signal === s),
      SIGNAL_INFO[s].label,
      widthMs,
    );
  const where = diverged ? 'slow buckets' : 'buckets';
  const share = pctOf(criteria.share);

  let bottleneck: Bottleneck = 'neither';
  if (Math.max(loopShare, poolShare) >= needed) {
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
  }

  if (bottleneck === 'event-loop') {
    evidence.push(
      `event-loop delay p99 reached ${ms(loopPeak)} (max ${ms(loopMax)}) and was at least ${share} of client p95 in ${pctOf(loopShare)} of the ${where}`,
    );
    const line = corrLine('loopDelayP99');
    if (line) evidence.push(line);
    if (eluPeak !== null && eluPeak >= o.busyUtilization)
      evidence.push(
        `event-loop utilization peaked at ${pctOf(eluPeak)}: the loop was busy running JavaScript, not waiting`,
      );
    if (poolPeak !== null)
      evidence.push(
        `thread-pool queue delay beyond the loop's own stayed at most ${ms(poolOnlyPeak)}`,
      );
  } else if (bottleneck === 'thread-pool') {
    evidence.push(
      `thread-pool queue delay p99 reached ${ms(poolPeak)} while event-loop delay p99 peaked at ${ms(loopPeak)}; the pool wait was at least ${share} of client p95 in ${pctOf(poolShare)} of the ${where}`,
    );
    const line = corrLine('poolDelayP99');
    if (line) evidence.push(line);
    const pending = maxOf(rows, (x) => x.server.poolPending);
    if (pending !== null && pending > 0)
      evidence.push(
        `up to ${num(pending, 0)} thread-pool requests were in flight (fs/dns; crypto and zlib are not counted)`,
      );
  } else {
    evidence.push(
      `event-loop delay p99 peaked at ${ms(loopPeak)} (utilization at most ${eluPeak === null ? '–' : pctOf(eluPeak)}) and thread-pool queue delay at ${ms(poolPeak)}, but neither held requests up: in ${pctOf(Math.max(loopShare, poolShare))} of the ${where} at most, under the ${pctOf(needed)} needed`,
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

  const degraded = bottleneck !== 'neither' || diverged;
  const summary =
    bottleneck === 'event-loop'
      ? 'event-loop blocking: requests waited for the loop, which was busy running synchronous JavaScript'
      : bottleneck === 'thread-pool'
        ? 'thread-pool saturation: requests waited in the libuv thread-pool queue while the loop itself was free'
        : degraded
          ? 'neither: latency degraded but the loop and the thread pool were healthy; look outside the process (downstream calls, network, the load generator, CPU steal)'
          : o.wholeRunClient
            ? 'neither: the loop and the thread pool were healthy during the run (latency over time not known: summary input)'
            : 'neither: latency stayed flat and the loop and the thread pool were healthy (clean run)';
  return {
    verdict: { bottleneck, degraded, summary, evidence, scores },
    divergence,
    correlations: corr,
  };
}
