/** Tables and goal checks of the idle CPU (1) and memory (4) benchmarks. */
import { mib, num, table } from '../format.js';
import type { Goal, Report } from '../report.js';
import { median } from '../stats.js';
import { ARMS, baselineOf, type Arm } from './arms.js';
import type { ArmRun } from './idle-bench.js';

type Pick = (run: ArmRun) => number;
const cpu: Pick = (r) => r.result.cpuMsPerS;
const heap: Pick = (r) => r.result.heapUsed;
const rss: Pick = (r) => r.result.rss;

class Runs {
  constructor(private readonly runs: readonly ArmRun[]) {}

  of(arm: string): ArmRun[] {
    return this.runs.filter((r) => r.arm === arm);
  }

  has(arm: string): boolean {
    return this.of(arm).length > 0;
  }

  values(arm: string, pick: Pick): number[] {
    return this.of(arm).map(pick);
  }

  /** Per-round differences arm - baseline (same round, so same noise). */
  diffs(arm: string, base: string, pick: Pick): number[] {
    const baseByRound = new Map(this.of(base).map((r) => [r.round, pick(r)]));
    return this.of(arm).flatMap((r) => {
      const b = baseByRound.get(r.round);
      return b === undefined ? [] : [pick(r) - b];
    });
  }

  /** NaN when the arm has no run (an app that did not start in any round). */
  medianOf(arm: string, pick: Pick): number {
    const v = this.values(arm, pick);
    return v.length > 0 ? median(v) : NaN;
  }

  /** NaN when no round has both the arm and its baseline. */
  overhead(arm: string, pick: Pick): number {
    const a = ARMS.find((x) => x.id === arm)!;
    const d = this.diffs(arm, baselineOf(a), pick);
    return d.length > 0 ? median(d) : NaN;
  }
}

const range = (values: readonly number[], f: (v: number) => string): string =>
  values.length > 1 ? `${f(Math.min(...values))}–${f(Math.max(...values))}` : '';

function describeArm(arm: Arm): [string, string, string] {
  const env = arm.env ?? {};
  const tool =
    arm.tool === 'none'
      ? 'none'
      : arm.tool === 'loopscope'
        ? `loopscope agent${env.LOOPSCOPE_BLOCK_THRESHOLD_MS === '0' ? ' (watchdog off)' : ''}${env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL === 'http/json' ? ' (http/json: SDK JSON serializer)' : ''}`
        : arm.tool === 'loopscope-sdkproto'
          ? "loopscope samplers, SDK's protobuf exporter"
          : arm.tool === 'prom'
            ? 'prom-client collectDefaultMetrics, scraped'
            : 'OTel instrumentation-runtime-node';
  return [
    tool,
    arm.intervalMs ? `${arm.intervalMs / 1000} s` : '',
    arm.sockets ? String(arm.sockets) : '0',
  ];
}

function delivered(runs: readonly ArmRun[], arm: Arm): string {
  // Every tool but prom-client pushes exports to the harness's collector.
  if (arm.tool === 'none') return '';
  const counts = runs.map((r) => (arm.tool === 'prom' ? r.scrapes : r.exports));
  return `${counts.join(', ')} ${arm.tool === 'prom' ? 'scrapes' : 'exports'}`;
}

export function cpuReport(all: readonly ArmRun[], warmupMs: number, windowMs: number): Report {
  const runs = new Runs(all);
  const arms = ARMS.filter((a) => runs.has(a.id));
  const rows = arms.map((arm) => {
    const v = runs.values(arm.id, cpu);
    const isBase = arm.tool === 'none';
    return [
      `\`${arm.id}\``,
      ...describeArm(arm),
      num(median(v)),
      range(v, (x) => num(x)),
      isBase && arm.id !== 'none-aa' ? '' : num(runs.overhead(arm.id, cpu)),
      delivered(runs.of(arm.id), arm),
    ];
  });
  const aa = runs.has('none-aa') ? runs.diffs('none-aa', 'none', cpu) : [];
  const rounds = Math.max(...all.map((r) => r.round));
  const ov = (id: string): number | undefined => {
    const v = runs.has(id) ? runs.overhead(id, cpu) : NaN;
    return Number.isNaN(v) ? undefined : v;
  };
  const goals: Goal[] = [];
  const ls1 = ov('loopscope-1s');
  const ls10 = ov('loopscope-10s');
  if (ls1 !== undefined) {
    // At 1 s there are 0.9 more exports per second than at 10 s.
    const perExport = ls10 !== undefined ? (ls1 - ls10) / 0.9 : undefined;
    goals.push({
      goal: 'loopscope agent (watchdog on) at a 1 s export costs <= 5 ms CPU per second over no tool',
      measured: `${num(ls1)} ms/s`,
      met: ls1 <= 5,
      cause:
        perExport !== undefined && ls10 !== undefined
          ? `fixed part ${num(ls10)} ms/s (\`loopscope-10s\`: the 100 ms tick, the pool probe, the watchdog) + ~${num(perExport)} ms of CPU per export`
          : undefined,
    });
  }
  for (const [ours, peers] of [
    ['loopscope-1s', ['prom-1s', 'otel-1s']],
    ['loopscope-10s', ['prom-10s', 'otel-10s']],
    ['loopscope-1s-10k', ['prom-1s-10k', 'otel-1s-10k']],
    ['loopscope-10s-10k', ['prom-10s-10k', 'otel-10s-10k']],
  ] as const) {
    const mine = ov(ours);
    const theirs = peers.flatMap((p): [string, number][] => {
      const v = ov(p);
      return v === undefined ? [] : [[p, v]];
    });
    if (mine === undefined || theirs.length === 0) continue;
    const [cheapest, best] = theirs.reduce((a, b) => (b[1] < a[1] ? b : a));
    goals.push({
      goal: `\`${ours}\` overhead <= 0.7x the cheapest peer's (${theirs.map(([p]) => `\`${p}\``).join(', ')})`,
      measured: `${num(mine)} vs ${theirs.map(([p, v]) => `${num(v)} (${p})`).join(', ')} ms/s`,
      met: mine <= 0.7 * best,
      cause: `ratio ${num(mine / best)} to \`${cheapest}\`${ours.endsWith('10k') ? `; the same tool without sockets: ${num(ov(ours.replace('-10k', '')) ?? NaN)} ms/s` : ''}`,
    });
  }
  const ownPath = ov('loopscope-1s');
  for (const other of ['loopscope-1s-sdkproto', 'loopscope-1s-json']) {
    const theirs = ov(other);
    if (ownPath === undefined || theirs === undefined) continue;
    goals.push({
      goal: `the agent's own export path uses less CPU than \`${other}\` at a 1 s export`,
      measured: `${num(ownPath)} vs ${num(theirs)} ms/s`,
      met: ownPath < theirs,
      cause: `${num(theirs - ownPath)} ms of CPU per export saved`,
    });
  }
  const markdown = [
    `CPU time of the whole process (every thread, read by the harness from /proc/<pid>/task/*/schedstat) per second of wall time, over a ${windowMs / 1000} s window after ${warmupMs / 1000} s of start-up; median of ${rounds} round(s), every arm running side by side in each round. "Overhead" is the median of the per-round differences from the no-tool app with the same sockets.`,
    '',
    table(
      ['arm', 'tool', 'interval', 'sockets', 'CPU ms/s', 'range', 'overhead ms/s', 'delivered'],
      rows,
    ),
    '',
    aa.length > 0
      ? `A/A spread (\`none-aa\` - \`none\`, per round): ${aa.map((d) => num(d)).join(', ')} ms/s.`
      : '',
  ].join('\n');
  return { name: 'cpu', markdown, goals, data: all };
}

export function memoryReport(all: readonly ArmRun[]): Report {
  const runs = new Runs(all);
  const arms = ARMS.filter((a) => runs.has(a.id));
  const rows = arms.map((arm) => [
    `\`${arm.id}\``,
    mib(runs.medianOf(arm.id, heap)),
    mib(runs.medianOf(arm.id, rss)),
    arm.tool === 'none' && arm.id !== 'none-aa' ? '' : mib(runs.overhead(arm.id, heap)),
    arm.tool === 'none' && arm.id !== 'none-aa' ? '' : mib(runs.overhead(arm.id, rss)),
  ]);
  const goals: Goal[] = [];
  if (runs.has('loopscope-1s')) {
    const d = runs.overhead('loopscope-1s', heap);
    const others = ['prom-1s', 'otel-1s', 'loopscope-1s-sdkproto', 'loopscope-1s-json']
      .filter((id) => runs.has(id))
      .map((id) => `${id} ${mib(runs.overhead(id, heap))}`);
    goals.push({
      goal: 'loopscope agent heap overhead <= 4 MiB (heapUsed after two full GCs, over no tool)',
      measured: `${mib(d)} MiB`,
      met: d <= 4 * 1024 * 1024,
      cause: `others, MiB: ${others.join(', ')}`,
    });
  }
  const markdown = [
    'Main-thread V8 heap used (after two forced full GCs) and RSS of the same idle apps at the end of the window; median over rounds, overhead = median per-round difference from the no-tool app with the same sockets. RSS includes every thread (the watchdog is a worker thread with its own V8 isolate).',
    '',
    table(['arm', 'heapUsed MiB', 'RSS MiB', 'heap overhead MiB', 'RSS overhead MiB'], rows),
  ].join('\n');
  return { name: 'memory', markdown, goals, data: all };
}
