import type { InputLimits } from '../k6/limits.js';
import { stat } from 'node:fs/promises';
import { K6 } from '../k6/builtin.js';
import { readResults } from '../k6/read.js';
import type { ProgressFn } from '../k6/sink.js';
import { SIGNALS, type ServerData, type ServerSource, type SignalKey } from '../server/source.js';
import type { ClientBucket } from '../stats/client.js';
import { joinTimeline, type Row } from './join.js';
import type { Report } from './report.js';
import { analyseRows, type VerdictOptions } from './verdict.js';
import { capacityOf } from './capacity.js';
import { judgeStarvation } from './starvation.js';
import { nameBusyLoop } from './busy-loop.js';
import { nameBlockingStacks } from './blocking-stacks.js';

export interface AnalyzeOptions {
  file: string;
  latencyMetric?: string;
  server?: ServerSource;
  job?: string;
  instance?: string;
  /** Overrides of the run's window, ms since the epoch (summary files carry no times). */
  fromMs?: number;
  toMs?: number;
  onProgress?: ProgressFn;
  verdict?: Partial<VerdictOptions>;
  maxBuckets?: number;
  limits?: InputLimits;
}

/** Summary inputs have no timeline: one row per server step, each with the run's overall numbers. */
function flatClient(
  fromMs: number,
  toMs: number,
  stepMs: number,
  p95: number | undefined,
  rps: number,
  p50: number | undefined,
): ClientBucket[] {
  const out: ClientBucket[] = [];
  // The median rides along: the whole run's p95 against its median is the
  // only sign of degradation a summary carries (see analyseRows).
  const latency =
    p95 === undefined
      ? null
      : { count: 1, avg: p95, min: p95, p50: p50 ?? p95, p90: p95, p95, p99: p95, max: p95 };
  for (let t = Math.floor(fromMs / stepMs) * stepMs; t < toMs; t += stepMs)
    out.push({
      t,
      requests: rps * (stepMs / 1000),
      rps,
      errors: 0,
      dropped: 0,
      iterations: 0,
      vus: 0,
      latency,
    });
  return out;
}

const peaks = (rows: readonly Row[]) =>
  Object.fromEntries(
    SIGNALS.map((k) => [
      k,
      rows.reduce<number | null>(
        (m, r) => (r.server[k] === null ? m : Math.max(m ?? -Infinity, r.server[k])),
        null,
      ),
    ]),
  ) as Record<SignalKey, number | null>;

/** Reads a k6 results file, fetches the server's side of the run, joins them and judges. */
export async function analyze(o: AnalyzeOptions): Promise<Report> {
  const client = await readResults(o.file, {
    latencyMetric: o.latencyMetric,
    onProgress: o.onProgress,
    maxBuckets: o.maxBuckets,
    ...(o.limits ? { limits: o.limits } : {}),
  });
  const warnings = [...client.summary.warnings];
  const from = o.fromMs ?? client.startMs;
  const to = o.toMs ?? client.endMs;
  const window = from !== undefined && to !== undefined ? { from, to } : null;
  const summaryOnly = client.resolutionMs === null;

  let server: ServerData | null = null;
  let stepMs = client.resolutionMs ?? 1000;
  if (o.server) {
    if (!o.job) throw new Error('a server source needs a job');
    if (!window) {
      warnings.push(
        `${client.format} files carry no start and end time: pass --from and --to to join server data; server data skipped`,
      );
    } else {
      if (summaryOnly)
        stepMs = Math.max(1000, Math.ceil((window.to - window.from) / 300 / 1000) * 1000);
      server = await o.server.fetch({
        job: o.job,
        ...(o.instance ? { instance: o.instance } : {}),
        fromMs: window.from - stepMs,
        toMs: window.to + stepMs,
        stepMs,
      });
      warnings.push(...server.warnings);
    }
  }

  let buckets = client.timeline;
  if (summaryOnly && window && server) {
    buckets = flatClient(
      window.from,
      window.to,
      stepMs,
      client.overall.latency?.p95 ?? undefined,
      client.overall.rps,
      client.overall.latency?.p50 ?? undefined,
    );
  }
  // Within the window only: a --from/--to narrower than the file selects a phase.
  if (o.fromMs !== undefined || o.toMs !== undefined)
    buckets = buckets.filter((b) => b.t + stepMs > (from ?? -Infinity) && b.t < (to ?? Infinity));
  const rows = joinTimeline(buckets, stepMs, server);
  const analysis = analyseRows(rows, { ...o.verdict, wholeRunClient: summaryOnly });
  if (server && rows.length > 0)
    judgeStarvation(analysis.verdict, {
      ...(window ? { windowMs: window.to - window.from } : {}),
      ...(server.stallTime ? { stallTime: server.stallTime } : {}),
      ...(server.cpuPressure ? { cpuPressure: server.cpuPressure } : {}),
    });
  if (analysis.verdict.bottleneck === 'event-loop')
    nameBlockingStacks(analysis.verdict, server?.blockingStacks ?? [], server?.stallsCounted);
  if (server && rows.length > 0)
    nameBusyLoop(analysis.verdict, server.busyLoops ?? [], server.blockingStacks?.length ?? 0);
  if (rows.length === 0 && client.overall.requests > 0)
    // Requests completed, but nothing can be laid against the server's side.
    analysis.verdict.summary = summaryOnly
      ? `unknown: ${client.overall.requests} requests, but a summary file carries no times and no per-second data; pass --from and --to with --collector or --prometheus to judge the server`
      : `unknown: ${client.overall.requests} requests, but no server data to judge them against (pass --collector or --prometheus with --job)`;
  const dropped = client.summary.metrics.find((m) => m.name === K6.dropped)?.values.count ?? 0;
  const thresholdsPassed =
    client.summary.passed ??
    (client.summary.thresholds.length > 0
      ? client.summary.thresholds.every((t) => t.passed)
      : null);
  const bytes = (await stat(o.file)).size;
  return {
    tool: 'loopscope-analyze',
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    input: { file: o.file, format: client.format, bytes },
    latencyMetric: client.latencyMetric,
    window,
    resolutionMs: rows.length > 0 ? stepMs : null,
    overall: { ...client.overall, dropped },
    byScenario: client.byScenario,
    byName: client.byName,
    thresholds: client.summary.thresholds,
    thresholdsPassed,
    thresholdsUnevaluated: client.summary.unevaluated ?? [],
    checks: client.summary.checks,
    metrics: client.summary.metrics,
    timeline: rows,
    server: server
      ? {
          source: server.source,
          url: server.url,
          job: server.job,
          instances: server.instances,
          ...(server.rateWindow ? { rateWindow: server.rateWindow } : {}),
          peaks: peaks(rows),
          stallsCounted: server.stallsCounted ?? null,
          stallTime: server.stallTime ?? null,
          cpuPressure: server.cpuPressure ?? null,
        }
      : null,
    analysis,
    capacity: summaryOnly
      ? null
      : capacityOf(
          rows,
          stepMs,
          client.summary.thresholds,
          client.latencyMetric,
          client.summary.metrics.find((m) => m.name === 'vus_max')?.values.max,
        ),
    blockingStacks: server?.blockingStacks ?? [],
    busyLoops: server?.busyLoops ?? [],
    baseline: null,
    warnings,
  };
}
