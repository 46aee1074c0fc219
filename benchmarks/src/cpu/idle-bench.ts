/**
 * Benchmarks 1 and 4: CPU per second of wall time and memory of an
 * otherwise idle app, every arm (cpu/arms.ts) running side by side in each
 * round, so they share the machine's noise; the A/A twin of the no-tool arm
 * shows how large that noise is.
 */
import type { Child } from '@loopscope/testkit';
import { message, startScript } from '../children.js';
import type { CollectorHost } from '../collector-host.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IdleMemory } from '../apps/idle.js';
import { READY } from '../apps/message.js';
import { progress } from '../progress.js';
import { shuffled } from '../shuffle.js';
import type { Arm } from './arms.js';
import { cpuTimeNs } from './schedstat.js';

export interface IdleResult extends IdleMemory {
  /** CPU time of every thread per second of wall time, over the window. */
  readonly cpuMsPerS: number;
  readonly windowMs: number;
}

export interface IdleOptions {
  readonly rounds: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly arms: readonly Arm[];
}

export interface ArmRun {
  readonly arm: string;
  readonly round: number;
  readonly result: IdleResult;
  /** OTLP exports the collector received from this run (loopscope, otel). */
  readonly exports: number;
  /** Successful /metrics scrapes (prom). */
  readonly scrapes: number;
  /** The child's stderr (warnings of the tool under test). */
  readonly stderr: string;
}

const TAG = 'idle';

function armEnv(arm: Arm, job: string, collector: CollectorHost): NodeJS.ProcessEnv {
  return {
    // The agent is preloaded (--import); every other tool is started by the app.
    BENCH_TOOL: arm.tool === 'loopscope' ? 'none' : arm.tool,
    BENCH_SOCKETS: String(arm.sockets),
    BENCH_INTERVAL_MS: String(arm.intervalMs),
    BENCH_OTLP_URL: `${collector.url}/v1/metrics`,
    OTEL_SERVICE_NAME: job,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_METRIC_EXPORT_INTERVAL: String(arm.intervalMs || 10_000),
    ...arm.env,
  };
}

/** prom-client is pulled: the harness scrapes it like Prometheus would. */
function scrapeEvery(port: number, intervalMs: number): { count(): number; stop(): void } {
  let ok = 0;
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then((res) => res.text().then(() => void (res.ok && ok++)))
      .catch(() => {});
  }, intervalMs);
  return { count: () => ok, stop: () => clearInterval(timer) };
}

async function runArm(
  arm: Arm,
  round: number,
  collector: CollectorHost,
  opts: IdleOptions,
): Promise<ArmRun> {
  const job = `bench-${arm.id}-r${round}`;
  // Up to 3 min to start: 18 apps, 8 of them opening 10,000 sockets, on 2 shared cores.
  const child: Child = startScript('apps/idle', [], {
    nodeArgs: [
      '--expose-gc',
      ...(arm.tool === 'loopscope' ? ['--import', '@loopscope/agent/register'] : []),
    ],
    env: armEnv(arm, job, collector),
  });
  let scraper: ReturnType<typeof scrapeEvery> | undefined;
  try {
    const ready = await message<{ port: number; pid: number }>(child, READY, 180_000).catch(
      (err: unknown) => {
        const tail = child.stderr().trim().split('\n').slice(-5).join(' | ');
        throw new Error(`${err instanceof Error ? err.message : String(err)}; stderr: ${tail}`);
      },
    );
    if (arm.tool === 'prom') scraper = scrapeEvery(ready.port, arm.intervalMs);
    await sleep(opts.warmupMs);
    const cpu0 = cpuTimeNs(ready.pid);
    const t0 = performance.now();
    await sleep(opts.windowMs);
    const cpu1 = cpuTimeNs(ready.pid);
    const windowMs = performance.now() - t0;
    const res = await fetch(`http://127.0.0.1:${ready.port}/memory`);
    if (!res.ok) throw new Error(`${arm.id}: GET /memory: ${res.status}`);
    const result: IdleResult = {
      cpuMsPerS: Number(cpu1 - cpu0) / 1e6 / (windowMs / 1000),
      windowMs,
      ...((await res.json()) as IdleMemory),
    };
    return {
      arm: arm.id,
      round,
      result,
      exports: collector.exports(job),
      scrapes: scraper?.count() ?? 0,
      stderr: child.stderr(),
    };
  } finally {
    scraper?.stop();
    await child.stop('SIGKILL', 1000);
  }
}

export async function runIdle(collector: CollectorHost, opts: IdleOptions): Promise<ArmRun[]> {
  const runs: ArmRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    progress(
      TAG,
      `round ${round}/${opts.rounds}: ${opts.arms.length} apps side by side, ${opts.warmupMs / 1000} s start-up + ${opts.windowMs / 1000} s measured`,
    );
    // Started in a different order each round, so no arm always starts first.
    // An app that fails to start loses its arm this round (said on stderr), not the whole run.
    const results = await Promise.all(
      shuffled(opts.arms).map((arm) =>
        runArm(arm, round, collector, opts).catch((err: unknown) => {
          progress(TAG, `round ${round}: ${arm.id} left out: ${String(err)}`);
          return undefined;
        }),
      ),
    );
    runs.push(...results.filter((r): r is ArmRun => r !== undefined));
  }
  return runs;
}
