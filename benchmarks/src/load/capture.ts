/**
 * The watchdog's pause per capture (issue 8: goal < 5 ms). Two servers on
 * the server core, the agent with the watchdog on (threshold 100 ms, a
 * capture allowed for every stall) and off, each asked in turn to do the
 * same ~200 ms of synchronous work:
 * - what the agent reports: each captured stall's event, as the collector
 *   serves it (`/api/v1/blocks`), carries the main-thread time the capture
 *   took (pauseMs), the wait for it (delayMs) and the stall's duration;
 * - what the app sees: the work's own duration with the watchdog on minus
 *   off (medians), which also includes connecting the inspector session.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@loopscope/testkit';
import { METRICS } from '@loopscope/agent/names';
import { message, startScript } from '../children.js';
import type { CollectorHost } from '../collector-host.js';
import { READY } from '../apps/message.js';
import type { Cores } from '../pinning.js';
import { progress } from '../progress.js';
import { median } from '../stats.js';
import { serverArgs, serverEnv } from './ab.js';
import type { LoadArm } from './arms.js';

const TARGET_MS = 200;

export interface CaptureFigures {
  /** Whether the agent ran its watchdog (it exports the blocks counter from the start). */
  readonly watchdogActive: boolean;
  readonly spins: number;
  readonly workMsOn: readonly number[];
  readonly workMsOff: readonly number[];
  readonly events: readonly {
    durationMs: number;
    pauseMs?: number;
    delayMs?: number;
    top?: string;
  }[];
}

interface BlocksApi {
  readonly recent: readonly {
    durationMs: number;
    pauseMs?: number;
    delayMs?: number;
    frames: readonly { function: string; file: string; line: number }[];
  }[];
}

async function spin(port: number, n: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/spin?n=${n}`);
  if (!res.ok) throw new Error(`GET /spin: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { ms: number }).ms;
}

export async function measureCapture(
  collector: CollectorHost,
  cores: Cores,
  spins: number,
): Promise<CaptureFigures> {
  const job = 'bench-capture';
  const on: LoadArm = {
    id: 'capture-on',
    agent: true,
    env: {
      LOOPSCOPE_BLOCK_THRESHOLD_MS: '100',
      LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN: '60',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=capture-on',
    },
  };
  const off: LoadArm = {
    id: 'capture-off',
    agent: true,
    env: {
      LOOPSCOPE_BLOCK_THRESHOLD_MS: '0',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=capture-off',
    },
  };
  const servers = [on, off].map((arm) =>
    startScript('apps/hello', [], {
      cpus: cores.server,
      nodeArgs: serverArgs(arm),
      env: serverEnv(arm, job, collector),
    }),
  );
  try {
    const [portOn, portOff] = await Promise.all(
      servers.map((s) => message<{ port: number }>(s, READY, 60_000).then((r) => r.port)),
    );
    // Calibrate the work to ~TARGET_MS on this machine, on the server without the watchdog.
    let n = 1_000_000;
    for (let i = 0; i < 3; i++)
      n = Math.round((n * TARGET_MS) / Math.max(1, await spin(portOff!, n)));
    progress(
      'load',
      `capture: ${spins} stalls of ~${TARGET_MS} ms (n=${n}) with the watchdog on and off`,
    );
    const workMsOn: number[] = [];
    const workMsOff: number[] = [];
    for (let i = 0; i < spins; i++) {
      workMsOn.push(await spin(portOn!, n));
      workMsOff.push(await spin(portOff!, n));
      await sleep(300);
    }
    const watchdogActive = collector.metrics(job).has(METRICS.eventloopBlocks.name);
    let events: CaptureFigures['events'] = [];
    if (watchdogActive) {
      const url = `${collector.url}/api/v1/blocks?job=${job}&instance=capture-on&limit=100`;
      const body = await waitFor(
        async () => {
          const b = (await (await fetch(url)).json()) as BlocksApi;
          return b.recent.length >= spins ? b : undefined;
        },
        { what: `${spins} block events at the collector`, timeoutMs: 15_000, intervalMs: 250 },
      ).catch(async () => (await (await fetch(url)).json()) as BlocksApi);
      events = body.recent.map((e) => ({
        durationMs: e.durationMs,
        ...(e.pauseMs !== undefined && { pauseMs: e.pauseMs }),
        ...(e.delayMs !== undefined && { delayMs: e.delayMs }),
        ...(e.frames[0] && {
          top: `${e.frames[0].function} (${e.frames[0].file.split('/').pop()}:${e.frames[0].line})`,
        }),
      }));
    }
    return { watchdogActive, spins, workMsOn, workMsOff, events };
  } finally {
    await Promise.all(servers.map((s) => s.stop('SIGKILL', 1000)));
  }
}

export const workDelta = (f: CaptureFigures): number => median(f.workMsOn) - median(f.workMsOff);
