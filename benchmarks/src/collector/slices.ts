/**
 * The event-loop stall of one accepted request, stored in one go or in
 * slices (issue 15 item 3, `--ingest-slice-points`). In process: the
 * collector (buildApp) takes each request through its real route (decode,
 * checks, store) by `inject`, while a setImmediate ticker records the
 * longest time the loop went without a turn. One arm per slice size, the
 * requests interleaved over the arms so machine noise falls on all alike.
 *
 * Requests (the most the default --max-points-per-request accepts): 10,000
 * points of one series (protobuf), and 10,000 new series (OTLP/JSON, 5
 * metrics x 2,000 values, a new sender each time).
 */
import { buildApp, decodeMetricsExport, DEFAULT_DECODE_LIMITS } from '@loopscope/collector';
import { identicalPointsProtobuf } from '@loopscope/testkit';
import { num, table } from '../format.js';

/** Slice sizes compared; 10,000 = the whole request in one go (before slicing). */
export const SLICE_ARMS = [10_000, 2_000, 1_000, 250] as const;

function newSeriesBody(sender: string): Buffer {
  const now = String(Date.now() * 1e6);
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: sender } }] },
          scopeMetrics: [
            {
              metrics: Array.from({ length: 5 }, (_, m) => ({
                name: `users_${m}`,
                gauge: {
                  dataPoints: Array.from({ length: 2000 }, (_, i) => ({
                    timeUnixNano: now,
                    asDouble: 1,
                    attributes: [{ key: 'user', value: { stringValue: `u${i}` } }],
                  })),
                },
              })),
            },
          ],
        },
      ],
    }),
  );
}

interface Stall {
  /** Longest wall time between two loop turns during the request. */
  readonly wallMs: number;
  /** Most process CPU time between two loop turns (scheduling delays left out). */
  readonly cpuMs: number;
}

async function stallOf(work: () => Promise<unknown>): Promise<Stall> {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let wallMs = 0;
  let cpuMs = 0;
  let lastWall = performance.now();
  let lastCpu = cpuNow();
  let running = true;
  const tick = () => {
    const wall = performance.now();
    const cpu = cpuNow();
    wallMs = Math.max(wallMs, wall - lastWall);
    cpuMs = Math.max(cpuMs, cpu - lastCpu);
    lastWall = wall;
    lastCpu = cpu;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  await new Promise((r) => setImmediate(r));
  return { wallMs, cpuMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export interface SliceFigures {
  readonly kind: string;
  readonly slice: number;
  readonly stalls: Stall[];
}

export async function sliceRun(
  rounds: number,
): Promise<{ rows: SliceFigures[]; decodeMs: Record<string, number> }> {
  const apps = SLICE_ARMS.map((slice) =>
    buildApp({ selfMonitor: false, logLevel: 'silent', ingestSlicePoints: slice }),
  );
  await Promise.all(apps.map((a) => a.ready()));
  const oneSeries = identicalPointsProtobuf(10_000);
  const kinds = [
    {
      kind: '10,000 points, one series (protobuf)',
      type: 'application/x-protobuf',
      body: () => oneSeries,
    },
    {
      kind: '10,000 new series (JSON)',
      type: 'application/json',
      body: (n: number) => newSeriesBody(`s${n}`),
    },
  ];
  const rows: SliceFigures[] = kinds.flatMap((k) =>
    SLICE_ARMS.map((slice) => ({ kind: k.kind, slice, stalls: [] as Stall[] })),
  );
  try {
    // Round 0 warms every arm up and is not counted.
    for (let round = 0; round <= rounds; round++) {
      for (const [ki, k] of kinds.entries()) {
        for (const [ai, app] of apps.entries()) {
          const payload = k.body(round);
          const stall = await stallOf(async () => {
            const res = await app.inject({
              method: 'POST',
              url: '/v1/metrics',
              headers: { 'content-type': k.type },
              payload,
            });
            if (res.statusCode !== 200) throw new Error(`slices: ${res.statusCode} ${res.body}`);
          });
          if (round > 0) rows[ki * SLICE_ARMS.length + ai]!.stalls.push(stall);
        }
      }
    }
  } finally {
    await Promise.all(apps.map((a) => a.close()));
  }
  // The part slicing cannot split: decoding one body (warm, median of 5).
  const decodeMs: Record<string, number> = {};
  for (const k of kinds) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const body = k.body(1000 + i);
      const t = performance.now();
      decodeMetricsExport(body, k.type.endsWith('json') ? 'json' : 'protobuf', {
        ...DEFAULT_DECODE_LIMITS,
        maxPoints: 10_000,
      });
      times.push(performance.now() - t);
    }
    decodeMs[k.kind] = median(times);
  }
  return { rows, decodeMs };
}

export function sliceTable(
  rows: readonly SliceFigures[],
  decodeMs: Record<string, number>,
): string {
  return table(
    [
      'request',
      '--ingest-slice-points',
      'requests',
      'longest loop turn, median / worst (ms wall)',
      'same, CPU time (ms)',
      'decode alone (ms, median)',
    ],
    rows.map((r) => {
      const wall = r.stalls.map((s) => s.wallMs);
      const cpu = r.stalls.map((s) => s.cpuMs);
      return [
        r.kind,
        r.slice === SLICE_ARMS[0] ? `${r.slice} (in one go, before)` : String(r.slice),
        String(r.stalls.length),
        `${num(median(wall), 1)} / ${num(Math.max(...wall), 1)}`,
        `${num(median(cpu), 1)} / ${num(Math.max(...cpu), 1)}`,
        num(decodeMs[r.kind] ?? NaN, 1),
      ];
    }),
  );
}

export { median as medianOf };
