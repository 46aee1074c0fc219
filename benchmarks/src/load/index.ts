/**
 * Benchmark 3: Fastify hello-world under autocannon with and without the
 * agent, and with its watchdog on and off, in interleaved blocks on pinned
 * cores; then the watchdog's pause per capture.
 */
import { METRICS } from '@loopscope/agent/names';
import { startCollectorHost } from '../collector-host.js';
import { num, table } from '../format.js';
import { pickCores, pinSelf } from '../pinning.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import {
  median,
  pairedRatios,
  percent,
  quantile,
  ratioSummary,
  type RatioSummary,
} from '../stats.js';
import { COMPARISONS, LOAD_ARMS } from './arms.js';
import { runBlocks, type LoadRun, type LoadSettings } from './ab.js';
import { measureCapture, workDelta, type CaptureFigures } from './capture.js';

interface ComparisonFigures {
  readonly label: string;
  readonly throughput: RatioSummary;
  readonly p99: RatioSummary;
  readonly cpu: RatioSummary;
}

function compare(
  runs: readonly LoadRun[],
  a: string,
  b: string,
  pick: (r: LoadRun) => number,
): RatioSummary {
  const byBlock = (arm: string): number[] =>
    runs
      .filter((r) => r.arm === arm)
      .sort((x, y) => x.block - y.block)
      .map(pick);
  return ratioSummary(pairedRatios(byBlock(a), byBlock(b)));
}

const spread = (r: RatioSummary): string =>
  `${percent(r.median)} (middle half ${percent(r.p25)} to ${percent(r.p75)}, range ${percent(r.min)} to ${percent(r.max)})`;

function armRows(runs: readonly LoadRun[]): string[][] {
  return LOAD_ARMS.map((arm) => {
    const mine = runs.filter((r) => r.arm === arm.id);
    return [
      `\`${arm.id}\``,
      num(median(mine.map((r) => r.result.rps)), 0),
      num(median(mine.map((r) => r.result.p50Ms)), 3),
      num(median(mine.map((r) => r.result.p99Ms)), 3),
      num(median(mine.map((r) => r.cpuUsPerRequest)), 1),
      String(mine.reduce((n, r) => n + r.result.errors + r.result.non2xx, 0)),
    ];
  });
}

function captureMarkdown(c: CaptureFigures): string {
  if (!c.watchdogActive) {
    return `Pause per capture: NOT MEASURED: the agent did not run its watchdog (no \`${METRICS.eventloopBlocks.name}\` metric reached the collector).`;
  }
  const pauses = c.events.flatMap((e) => (e.pauseMs === undefined ? [] : [e.pauseMs]));
  const delays = c.events.flatMap((e) => (e.delayMs === undefined ? [] : [e.delayMs]));
  const durations = c.events.map((e) => e.durationMs);
  const fmt = (v: number[]): string =>
    v.length ? `median ${num(median(v), 3)}, max ${num(Math.max(...v), 3)}` : 'none reported';
  return [
    `Pause per capture: ${c.spins} stalls of the same synchronous work (median ${num(median(c.workMsOff), 1)} ms without the watchdog), ${c.events.length} captured events received by the collector.`,
    '',
    table(
      ['figure', 'ms'],
      [
        ['pause on the main thread, as the agent reports it (pauseMs)', fmt(pauses)],
        ["from the watchdog's request to the capture running (delayMs)", fmt(delays)],
        ['stall duration the agent recorded', fmt(durations)],
        ['the work, watchdog on', `median ${num(median(c.workMsOn), 2)}`],
        ['the work, watchdog off', `median ${num(median(c.workMsOff), 2)}`],
        [
          'difference (what the app loses per capture, inspector connection included)',
          num(workDelta(c), 2),
        ],
      ],
    ),
    '',
    `Top frame of the captured stacks: ${[...new Set(c.events.map((e) => e.top ?? '?'))].join('; ')}.`,
  ].join('\n');
}

export async function underLoad(s: { quick: boolean; rounds?: number }): Promise<Report> {
  const settings: LoadSettings = {
    blocks: s.rounds ?? (s.quick ? 1 : 10),
    warmupS: 1,
    durationS: s.quick ? 1 : 3,
    connections: 10,
  };
  const cores = pickCores();
  const collector = await startCollectorHost();
  const unpin = pinSelf(cores.load);
  try {
    progress(
      'load',
      `${settings.blocks} blocks x ${LOAD_ARMS.length} arms, ${settings.warmupS} s warm-up + ${settings.durationS} s each; server on CPU ${cores.server ?? 'any'}, load on CPU ${cores.load ?? 'any'}`,
    );
    const runs = await runBlocks(LOAD_ARMS, collector, cores, settings);
    const capture = await measureCapture(collector, cores, s.quick ? 3 : 10);
    const watchdogRuns = runs.filter((r) => r.arm === 'agent');
    const watchdogActive = watchdogRuns.every((r) =>
      collector.metrics(r.job).has(METRICS.eventloopBlocks.name),
    );
    const figures: ComparisonFigures[] = COMPARISONS.map((c) => ({
      label: c.label,
      throughput: compare(runs, c.a, c.b, (r) => r.result.rps),
      p99: compare(runs, c.a, c.b, (r) => r.result.p99Ms),
      cpu: compare(runs, c.a, c.b, (r) => r.cpuUsPerRequest),
    }));
    const aa = figures[0]!;
    const wd = figures.find((f) => f.label.startsWith('watchdog'))!;
    const pauses = capture.events.flatMap((e) => (e.pauseMs === undefined ? [] : [e.pauseMs]));
    const goals: Goal[] = [
      {
        goal: 'watchdog on vs off, nothing blocking: throughput loss <= 0.5% (median of paired ratios)',
        measured: watchdogActive
          ? `throughput ${percent(wd.throughput.median, 2)}, server CPU per request ${percent(wd.cpu.median, 2)}; A/A beside it: throughput ${spread(aa.throughput)}, CPU per request ${spread(aa.cpu)}`
          : 'the agent under test did not run its watchdog',
        met: watchdogActive ? wd.throughput.median >= 0.995 : undefined,
      },
      {
        goal: 'pause per capture < 5 ms (agent-reported, p99 of captures)',
        measured: pauses.length
          ? `median ${num(median(pauses), 3)} ms, p99 ${num(quantile(pauses, 0.99), 3)} ms over ${pauses.length} captures; app-side difference ${num(workDelta(capture), 2)} ms`
          : 'no captures received',
        met: pauses.length ? quantile(pauses, 0.99) < 5 : undefined,
      },
    ];
    const markdown = [
      `Fastify hello-world, autocannon ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per run, ${settings.blocks} blocks; in each block every arm runs once in random order on a freshly started server. Server pinned to CPU ${cores.server ?? 'any'}, autocannon and the harness (with the collector the agents export to every 1 s) to CPU ${cores.load ?? 'any'}. Latencies are autocannon's per-response times; server CPU per request is the server's CPU time (every thread, from /proc) over the measured run divided by its responses.`,
      '',
      table(
        [
          'arm',
          'median req/s',
          'median p50 ms',
          'median p99 ms',
          'server CPU µs/request',
          'errors',
        ],
        armRows(runs),
      ),
      '',
      'Paired ratios (B / A within each block): median, middle half and range. Read every A/B row against the A/A row.',
      '',
      table(
        ['comparison', 'throughput', 'p99 latency', 'server CPU per request'],
        figures.map((f) => [f.label, spread(f.throughput), spread(f.p99), spread(f.cpu)]),
      ),
      '',
      watchdogActive
        ? ''
        : `Note: the \`agent\` arm did not run the watchdog (no \`${METRICS.eventloopBlocks.name}\` metric reached the collector), so "watchdog on / off" compares two identical agents.`,
      '',
      captureMarkdown(capture),
    ].join('\n');
    return { name: 'load', markdown, goals, data: { settings, cores, runs, capture } };
  } finally {
    unpin();
    await collector.close();
  }
}
