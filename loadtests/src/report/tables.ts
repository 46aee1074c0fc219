import { METRICS } from '@loopscope/agent/names';
import type { Report } from '../analysis/report.js';
import { SIGNAL_INFO, SIGNALS, type SignalKey } from '../server/source.js';
import type { GroupStats } from '../stats/client.js';
import { BLOCK_CAUSES, sharesOf } from '../server/stall-causes.js';
import { clock, ms, num, pct, signed } from './units.js';

/**
 * The report's tables as rows of plain strings, shared by the Markdown and
 * HTML renderers so both always show the same numbers.
 */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
}

export const BOTTLENECK_TITLE: Record<Report['analysis']['verdict']['bottleneck'], string> = {
  'event-loop': 'event-loop blocking',
  'cpu-starvation': 'CPU starvation',
  'thread-pool': 'thread-pool saturation',
  neither: 'neither',
  unknown: 'unknown',
};

export function duration(msValue: number): string {
  const s = msValue / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function runTable(r: Report): Table {
  const o = r.overall;
  const l = o.latency;
  const rows: string[][] = [
    ['input', `${r.input.file} (${r.input.format}, ${num(r.input.bytes / 1e6, 1)} MB)`],
    [
      'window',
      r.window
        ? `${new Date(r.window.from).toISOString()} – ${clock(r.window.to)} (${duration(r.window.to - r.window.from)})`
        : 'unknown (the input carries no times)',
    ],
    [
      'requests',
      `${num(o.requests, 0)} (${num(o.rps, 1)}/s), ${num(o.errors, 0)} errors (${pct(o.errorRate, 2)}), ${num(o.dropped, 0)} dropped iterations`,
    ],
    [
      `latency (${r.latencyMetric})`,
      l
        ? `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p95 ${ms(l.p95)} · p99 ${ms(l.p99)} · max ${ms(l.max)}`
        : 'no samples',
    ],
    [
      'resolution',
      r.resolutionMs === null
        ? 'no timeline (summary input or no requests)'
        : `${r.resolutionMs / 1000} s buckets`,
    ],
  ];
  if (r.server)
    rows.push([
      'server data',
      `${r.server.source} ${r.server.url}, job ${r.server.job}, ${r.server.instances.length} instance(s)${r.server.rateWindow ? `, rate window ${r.server.rateWindow}` : ''}`,
    ]);
  const unevaluated = r.thresholdsUnevaluated ?? [];
  if (r.thresholdsPassed !== null || unevaluated.length > 0) {
    const known =
      r.thresholdsPassed === null ? 'none evaluated' : r.thresholdsPassed ? 'all passed' : 'FAILED';
    const names = unevaluated.map((u) => (u.metric === '*' ? 'all (CSV)' : u.metric));
    rows.push([
      'k6 thresholds',
      names.length > 0 ? `${known}; cannot evaluate: ${names.join(', ')}` : known,
    ]);
  }
  return { title: 'Run', head: ['', ''], rows };
}

export function thresholdTable(r: Report): Table {
  return {
    title: 'Thresholds',
    head: ['metric', 'threshold', 'result', 'from'],
    rows: [
      ...r.thresholds.map((t) => [
        t.metric,
        t.expression,
        t.passed ? 'pass' : 'FAIL',
        t.source === 'k6' ? 'k6' : 'evaluated from samples',
      ]),
      ...(r.thresholdsUnevaluated ?? []).map((u) => [u.metric, '?', 'cannot evaluate', u.reason]),
    ],
  };
}

function groupRows(groups: readonly GroupStats[]): string[][] {
  return groups.map((g) => [
    g.key,
    num(g.requests, 0),
    num(g.rps, 1),
    `${num(g.errors, 0)} (${pct(g.errorRate, 1)})`,
    ms(g.latency?.p50),
    ms(g.latency?.p95),
    ms(g.latency?.p99),
    ms(g.latency?.max),
  ]);
}

const GROUP_HEAD = ['requests', 'rate /s', 'errors', 'p50', 'p95', 'p99', 'max'];

export function scenarioTable(r: Report): Table {
  return { title: 'By scenario', head: ['scenario', ...GROUP_HEAD], rows: groupRows(r.byScenario) };
}

export function nameTable(r: Report): Table {
  return { title: 'By request name', head: ['name', ...GROUP_HEAD], rows: groupRows(r.byName) };
}

function signalValue(k: SignalKey, v: number | null): string {
  const unit = SIGNAL_INFO[k].unit;
  return unit === 'ms' ? ms(v) : unit === 'ratio' ? pct(v, 0) : num(v, 0);
}

/**
 * The run's stalls: every one the agent counted (its counter), and how many
 * of them were captured with a stack (a sample): `92 (10 captured)`.
 */
export function stallsText(r: Report): string | null {
  const counted = r.server?.stallsCounted ?? null;
  const captured = r.blockingStacks.reduce((a, s) => a + s.count, 0);
  if (counted !== null) return `${counted} (${captured} captured)`;
  return captured > 0 ? `${captured} captured (not counted: no counter from the source)` : null;
}

export function serverTable(r: Report): Table {
  const corr = new Map(r.analysis.correlations.map((c) => [c.signal, c]));
  const stalls = stallsText(r);
  return {
    title: 'Server signals',
    head: ['signal', 'peak in the run', 'r with client p95 (buckets)', 'strongest r (lag)'],
    rows: [
      ...SIGNALS.map((k) => {
        const c = corr.get(k);
        return [
          SIGNAL_INFO[k].label,
          signalValue(k, r.server?.peaks[k] ?? null),
          c && c.r !== null ? `${num(c.r, 2)} (${c.n})` : '–',
          c?.best ? `${num(c.best.r, 2)} (${c.best.lag > 0 ? '+' : ''}${c.best.lag})` : '–',
        ];
      }),
      ...(stalls ? [['event-loop stalls over the threshold (in all)', stalls, '–', '–']] : []),
    ],
  };
}

/** The timeline folded into at most `maxRows` segments, each showing its worst values. */
export function timelineTable(r: Report, maxRows = 24): Table {
  const rows = r.timeline;
  const per = Math.max(1, Math.ceil(rows.length / maxRows));
  const out: string[][] = [];
  for (let i = 0; i < rows.length; i += per) {
    const seg = rows.slice(i, i + per);
    const worst = (pick: (x: (typeof seg)[number]) => number | null) =>
      seg.reduce<number | null>(
        (m, x) => (pick(x) === null ? m : Math.max(m ?? -Infinity, pick(x) as number)),
        null,
      );
    const req = seg.reduce((s, x) => s + x.requests, 0);
    const secs = (seg.length * (r.resolutionMs ?? 1000)) / 1000;
    out.push([
      clock(seg[0]?.t ?? 0),
      num(req / secs, 1),
      num(
        seg.reduce((s, x) => s + x.errors, 0),
        0,
      ),
      num(
        seg.reduce((s, x) => s + x.dropped, 0),
        0,
      ),
      ms(worst((x) => x.p95)),
      ms(worst((x) => x.p99)),
      ms(worst((x) => x.server.loopDelayP99)),
      ms(worst((x) => x.server.loopDelayMax)),
      pct(
        worst((x) => x.server.utilization),
        0,
      ),
      ms(worst((x) => x.server.poolDelayP99)),
      num(
        worst((x) => x.server.activeResources),
        0,
      ),
    ]);
  }
  return {
    title: `Timeline${per > 1 ? ` (${per} buckets per row, worst value shown)` : ''}`,
    head: [
      'time (UTC)',
      'req/s',
      'errors',
      'dropped',
      'p95',
      'p99',
      'loop p99',
      'loop max',
      'loop util.',
      'pool p99',
      'resources',
    ],
    rows: out,
  };
}

/**
 * The run's own evidence of CPU starvation, for agents that send no stall
 * anatomy: a late loop that was mostly idle (delay p99 >= 50 ms at
 * utilization < 50%) means the process waited for a core, not for JavaScript.
 */
export function starvedBuckets(r: Report): number {
  return r.timeline.filter((x) => {
    const s = x.server;
    return (
      s.loopDelayP99 !== null &&
      s.loopDelayP99 >= 50 &&
      s.utilization !== null &&
      s.utilization < 0.5
    );
  }).length;
}

type Stack = Report['blockingStacks'][number];

/** A stack's captured stall time by cause, as shares: `code 92% · cpu_starved 8%` (causes with time only). */
export function anatomyText(s: Stack): string {
  const a = s.anatomy;
  if (!a || a.measured === 0) return '– (no anatomy sent)';
  const shares = sharesOf(a.byCause);
  const parts = BLOCK_CAUSES.filter((c) => shares[c] >= 0.005).map(
    (c) => `${c} ${pct(shares[c], 0)}`,
  );
  const throttled = a.throttledMs > 0 ? ` (throttled ${ms(a.throttledMs)})` : '';
  return `${parts.join(' · ') || 'none'}${throttled}${a.measured < s.count ? ` [${a.measured} of ${s.count} stalls]` : ''}`;
}

export function stacksTable(r: Report): Table {
  const counted = r.server?.stallsCounted ?? null;
  const captured = r.blockingStacks.reduce((a, s) => a + s.count, 0);
  // The agent's own cause where it sent one; the run's evidence only for stacks without it.
  const fallback = r.blockingStacks.some((s) => !s.anatomy) ? starvedBuckets(r) : 0;
  const mark = (s: Stack) => {
    if (s.anatomy)
      return s.anatomy.starved > 0
        ? ` [captured while starved of CPU: ${s.anatomy.starved} of ${s.anatomy.measured} stall(s) mostly waited for a CPU]`
        : '';
    // A stack in Node's own internals during starvation shows where the thread was descheduled.
    return fallback > 0 && /^\S+ node:/.test(s.frames[0] ?? '')
      ? ' [captured during CPU starvation (guessed: no anatomy from the agent)]'
      : '';
  };
  const counts =
    counted !== null
      ? `; ${counted} stalls counted by the agent (${captured} captured)`
      : r.server?.source === 'collector'
        ? `; ${captured} captured: the collector served no series of the agent's stall counter (${METRICS.eventloopBlocks.name}: an older collector or agent), --prometheus counts every stall`
        : '';
  const heuristic =
    fallback > 0
      ? `; for stacks without the agent's stall anatomy, starvation is guessed from the run (loop delay p99 >= 50 ms at utilization < 50% in ${fallback} bucket(s)): stacks in Node internals there are where it waited, not what blocked`
      : '';
  return {
    title: `Top blocking stacks during the run (captured stalls: a sample, at most 10 a minute per instance by default${counts}; durations are the agent's${heuristic})`,
    head: [
      'captured stalls',
      'total blocked',
      'longest',
      'stall time by cause',
      'stack (top frames)',
    ],
    rows: r.blockingStacks.map((s) => [
      num(s.count, 0),
      ms(s.totalMs),
      ms(s.maxMs),
      anatomyText(s),
      s.frames.slice(0, 3).join(' ← ') + mark(s),
    ]),
  };
}

/** The busy-loop events of the run (collector source), busiest first; null when there were none. */
export function busyTable(r: Report): Table | null {
  const busy = r.busyLoops ?? [];
  if (busy.length === 0) return null;
  return {
    title:
      "Busy loop without a long stall (the agent's busy-loop events: utilization above its threshold for seconds, the hottest of the stacks it sampled)",
    head: ['events', 'busy for', 'utilization (max)', 'samples', 'saturated by', 'called from'],
    rows: busy.map((b) => [
      num(b.count, 0),
      ms(b.totalMs),
      pct(b.maxUtilization, 0),
      b.samples > 0 ? `${b.hottestSamples} of ${b.samples}` : '–',
      b.label,
      b.caller ?? "– (the application's own code)",
    ]),
  };
}

export function baselineTable(r: Report): Table | null {
  const b = r.baseline;
  if (!b) return null;
  return {
    title: `Against baseline ${b.file}`,
    head: ['gate', 'baseline', 'current', 'change', 'allowed', 'result'],
    rows: b.results.map((g) => [
      g.key === g.label ? g.key : `${g.key}: ${g.label}`,
      num(g.baseline, 3),
      num(g.current, 3),
      signed(g.changePct),
      `${g.allowedPct}%`,
      g.regressed ? 'REGRESSION' : 'ok',
    ]),
  };
}

const EXHAUSTED: Record<string, string> = {
  'event-loop': 'the event loop',
  'thread-pool': 'the thread pool',
  'outside-the-process': 'something outside the process',
  'load-generator': 'the load generator itself (k6)',
  unknown: 'unknown (no server data)',
};

/** A ramp's break point; null for runs that are not ramps. */
export function capacityTable(r: Report): Table | null {
  const c = r.capacity;
  if (!c) return null;
  return {
    title: 'Capacity (ramp)',
    head: ['', ''],
    rows: [
      [
        'break point',
        c.breakPointRps === null
          ? c.brokeAt === null
            ? `did not break (peak ${num(c.peakOfferedRps, 0)}/s offered)`
            : 'broke at the start'
          : `${num(c.breakPointRps, 0)} req/s offered, every check holding`,
      ],
      ['gave out first', c.exhausted === null ? '-' : (EXHAUSTED[c.exhausted] ?? c.exhausted)],
      ...c.evidence.map((e) => ['evidence', e]),
    ],
  };
}
