/**
 * Benchmark 6: how exactly each tool reads the event loop, per Node line.
 * The tight figures the tests leave to a benchmark (they hold on a quiet
 * machine, not beside a busy neighbour): an idle loop's p99 under 1 ms, each
 * block's max within 2 ms (2% at 1 s), the idle pool's probe p99 under
 * 2 ms. loopscope beside monitorEventLoopDelay as prom-client and the OTel
 * runtime instrumentation configure it, and with `samplePerIteration`
 * where Node has it. Each tool and line is a fresh process; then the
 * blocks again with one CPU hog beside them (the load CI runs under).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { AccuracyResult } from '../apps/accuracy.js';
import { RESULT } from '../apps/message.js';
import { message, PACKAGE_DIR, startScript } from '../children.js';
import { num, table } from '../format.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import { median } from '../stats.js';
import { startProcess } from '@loopscope/testkit';

const TOOLS = {
  loopscope: 'loopscope (defaults: 100 ms tick)',
  prom: 'prom-client (monitorEventLoopDelay, resolution 10)',
  otel: 'OTel runtime-node (monitorEventLoopDelay, monitoringPrecision 10)',
  spi: 'monitorEventLoopDelay({ resolution: 10, samplePerIteration: true })',
} as const;
type ToolName = keyof typeof TOOLS;

const SIZES = [20, 50, 200, 1000];
/** The goals, as the tests stated them before they moved here. */
const IDLE_P99_MS = 1;
const POOL_P99_MS = 2;
const blockTolerance = (size: number): number => (size >= 1000 ? 0.02 * size : 2);

interface NodeLines {
  readonly SUPPORTED_LINES: readonly string[];
  nodeFor(this: void, major: string): string;
}

/** scripts/node-lines.mjs: the one place the test matrix and this benchmark find Node binaries. */
async function nodeLines(): Promise<NodeLines> {
  const url = pathToFileURL(join(PACKAGE_DIR, '..', 'scripts', 'node-lines.mjs')).href;
  return (await import(url)) as NodeLines;
}

interface Run {
  readonly line: string;
  readonly tool: ToolName;
  readonly hog: boolean;
  readonly result: AccuracyResult;
}

async function measure(
  node: string,
  tool: ToolName,
  env: Record<string, string>,
): Promise<AccuracyResult> {
  const child = startScript('apps/accuracy', [], { node, env: { BENCH_TOOL: tool, ...env } });
  try {
    return await message<AccuracyResult>(child, 'BENCH_RESULT' satisfies typeof RESULT, 180_000);
  } finally {
    await child.stop('SIGKILL', 1000);
  }
}

/** One busy core's worth of load, killed by its PID when the hog runs end. */
async function withHog<T>(fn: () => Promise<T>): Promise<T> {
  const hog = startProcess(process.execPath, ['-e', 'for(;;);']);
  try {
    return await fn();
  } finally {
    await hog.stop('SIGKILL', 1000);
  }
}

const ms = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? 'n/a' : num(v, 2);

/** Per size: reported - took of each block, ms. */
function overs(r: AccuracyResult, size: number): number[] {
  return r.blocks.filter((b) => b.block === size).map((b) => b.max - b.took);
}

export async function accuracy(s: { quick: boolean; lines?: readonly string[] }): Promise<Report> {
  const { SUPPORTED_LINES, nodeFor } = await nodeLines();
  const lines = s.lines ?? SUPPORTED_LINES;
  const repeats = s.quick ? 1 : 3;
  const blocks = Array.from({ length: repeats }, () => SIZES).flat();
  const env = {
    BENCH_IDLE_WINDOWS: s.quick ? '1' : '5',
    BENCH_WINDOW_MS: s.quick ? '500' : '2000',
    BENCH_BLOCKS: blocks.join(','),
    BENCH_POOL_MS: s.quick ? '1000' : '5000',
  };
  const load = loadavg()[0]!;
  const runs: Run[] = [];
  for (const line of lines) {
    const node = nodeFor(line);
    for (const tool of Object.keys(TOOLS) as ToolName[]) {
      progress('accuracy', `Node ${line}, ${tool}`);
      runs.push({ line, tool, hog: false, result: await measure(node, tool, env) });
    }
    for (const tool of Object.keys(TOOLS) as ToolName[]) {
      progress('accuracy', `Node ${line}, ${tool}, blocks beside a CPU hog`);
      const result = await withHog(() =>
        measure(node, tool, { ...env, BENCH_IDLE_WINDOWS: '0', BENCH_POOL_MS: '0' }),
      );
      runs.push({ line, tool, hog: true, result });
    }
  }

  const goals: Goal[] = [];
  for (const run of runs.filter((r) => r.tool === 'loopscope' && !r.hog)) {
    const v = run.result.node;
    const idleP99 = median(run.result.idle.map((w) => w.p99));
    goals.push({
      goal: `${v}: idle p99 < ${IDLE_P99_MS} ms (median of the windows)`,
      measured: `${ms(idleP99)} ms`,
      met: run.result.idle.length > 0 ? idleP99 < IDLE_P99_MS : undefined,
    });
    const worst = SIZES.map((size) => {
      const off = overs(run.result, size).map(Math.abs);
      return { size, off: off.length ? median(off) : NaN };
    });
    goals.push({
      goal: `${v}: each block's max within 2 ms (2% at 1 s), median of ${repeats}`,
      measured: worst.map((w) => `${w.size} ms: ${ms(w.off)}`).join(', '),
      met: worst.every((w) => w.off <= blockTolerance(w.size)),
    });
    const pool = run.result.pool;
    goals.push({
      goal: `${v}: idle pool probe p99 < ${POOL_P99_MS} ms`,
      measured: pool ? `${ms(pool.p99)} ms (p50 ${ms(pool.p50)} ms, ${pool.count} probes)` : 'n/a',
      met: pool ? pool.p99 < POOL_P99_MS : undefined,
    });
  }

  const idleRows = runs
    .filter((r) => !r.hog)
    .map((r) => {
      const i = r.result.idle;
      return [
        r.result.node,
        TOOLS[r.tool],
        r.result.supported ? ms(median(i.map((w) => w.p50))) : 'unsupported',
        r.result.supported ? ms(median(i.map((w) => w.p99))) : '',
        r.result.supported ? ms(Math.max(...i.map((w) => w.max))) : '',
        r.result.pool ? `${ms(r.result.pool.p50)} / ${ms(r.result.pool.p99)}` : 'n/a',
      ];
    });
  const blockRows = runs
    .filter((r) => r.result.supported)
    .map((r) => [
      r.result.node,
      TOOLS[r.tool],
      r.hog ? 'yes' : 'no',
      ...SIZES.map((size) =>
        overs(r.result, size)
          .map((o) => `${o >= 0 ? '+' : ''}${num(o, 1)}`)
          .join(' '),
      ),
    ]);
  const markdown = [
    `Load average at start: ${num(load, 2)}. Each tool in a fresh process per Node line, read in-process at the end of each window as its exporter would (loopscope and OTel through an SDK MetricReader, prom-client through \`register.getMetricsAsJSON()\`). Idle: ${env.BENCH_IDLE_WINDOWS} windows of ${env.BENCH_WINDOW_MS} ms after 2 s of warm-up; blocks: each size ${repeats}x, a busy loop 5 ms into its own window of ~600 ms; pool (loopscope only): the probe every 100 ms for ${env.BENCH_POOL_MS} ms on an idle pool.`,
    '',
    'Idle loop (median over windows of each window p50 / p99, ms; max over windows; pool probe p50 / p99):',
    '',
    table(['node', 'tool', 'idle p50', 'idle p99', 'idle max', 'pool p50 / p99'], idleRows),
    '',
    'Blocks: reported max - the block\u2019s own measure, ms, per repeat; "hog": one `node -e "for(;;);"` beside it:',
    '',
    table(['node', 'tool', 'hog', ...SIZES.map((size) => `${size} ms`)], blockRows),
  ].join('\n');
  return { name: 'accuracy', markdown, goals, data: runs };
}
