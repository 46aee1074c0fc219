/**
 * Interleaved A/B blocks: in each block every arm runs once, in a random
 * order, each on a freshly started server (so no arm inherits another's
 * JIT state or its idle timers steal from the loaded one). The ratios are
 * taken within a block, where the machine's noise is most alike.
 */
import { message, startScript } from '../children.js';
import type { CollectorHost } from '../collector-host.js';
import { MEASURING, READY, RESULT } from '../apps/message.js';
import { cpuTimeNs } from '../cpu/schedstat.js';
import type { Cores } from '../pinning.js';
import { progress } from '../progress.js';
import { shuffled } from '../shuffle.js';
import type { CannonResult } from './cannon.js';
import type { LoadArm } from './arms.js';

export interface LoadRun {
  readonly arm: string;
  readonly block: number;
  readonly job: string;
  readonly result: CannonResult;
  /** Server CPU time (every thread) per 2xx response over the measured run, µs. */
  readonly cpuUsPerRequest: number;
}

export interface LoadSettings {
  readonly blocks: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly connections: number;
}

/** Environment of a measured server: exports every second to the harness's collector. */
export function serverEnv(arm: LoadArm, job: string, collector: CollectorHost): NodeJS.ProcessEnv {
  return {
    OTEL_SERVICE_NAME: job,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    ...arm.env,
  };
}

export function serverArgs(arm: LoadArm): string[] {
  return arm.agent ? ['--import', '@loopscope/agent/register'] : [];
}

async function runOne(
  arm: LoadArm,
  block: number,
  collector: CollectorHost,
  cores: Cores,
  s: LoadSettings,
): Promise<LoadRun> {
  const job = `bench-load-${arm.id}-b${block}`;
  const server = startScript('apps/hello', [], {
    cpus: cores.server,
    nodeArgs: serverArgs(arm),
    env: serverEnv(arm, job, collector),
  });
  try {
    const { port } = await message<{ port: number }>(server, READY, 60_000);
    const load = startScript(
      'load/hello-load',
      [`http://127.0.0.1:${port}/`, String(s.warmupS), String(s.durationS), String(s.connections)],
      { cpus: cores.load },
    );
    try {
      const pid = server.process.pid!;
      await message(load, MEASURING, s.warmupS * 1000 + 60_000);
      const cpu0 = cpuTimeNs(pid);
      const result = await message<CannonResult>(load, RESULT, s.durationS * 1000 + 60_000);
      const cpuUsPerRequest = Number(cpuTimeNs(pid) - cpu0) / 1000 / result.ok;
      return { arm: arm.id, block, job, result, cpuUsPerRequest };
    } finally {
      await load.stop('SIGKILL', 1000);
    }
  } finally {
    await server.stop('SIGKILL', 1000);
  }
}

export async function runBlocks(
  arms: readonly LoadArm[],
  collector: CollectorHost,
  cores: Cores,
  s: LoadSettings,
): Promise<LoadRun[]> {
  const runs: LoadRun[] = [];
  for (let block = 1; block <= s.blocks; block++) {
    const order = shuffled(arms);
    progress('load', `block ${block}/${s.blocks}: ${order.map((a) => a.id).join(', ')}`);
    for (const arm of order) runs.push(await runOne(arm, block, collector, cores, s));
  }
  return runs;
}
