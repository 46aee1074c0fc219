/**
 * Benchmark 5: the loopscope collector against Prometheus Pushgateway on
 * the same data, each pinned to one core with the load generator on the
 * other: sustained ingest (exports/s), latency at a fixed 1,000 exports/s,
 * /metrics render time and RSS at 1,000 and 10,000 senders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULT } from '../apps/message.js';
import { message, startScript } from '../children.js';
import { mib, num, table } from '../format.js';
import { pickCores, pinSelf, type Cores } from '../pinning.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import { median } from '../stats.js';
import type { IngestResult, LoadSpec } from './ingest-load.js';
import { cpuTimeNs } from '../cpu/schedstat.js';
import { renderOnce, type Render } from './scrape-timer.js';
import { rssOf, startTarget, TARGETS, type Target } from './ingest-servers.js';
import { buildTemplate, toJson } from './export-template.js';
import { pushText } from './pushgateway-text.js';

/** How large the collector benchmark runs (the gateway benchmark takes the same, less renders). */
export interface Sizes {
  readonly small: number;
  readonly large: number;
  readonly durationS: number;
  readonly connections: number;
  readonly rate: number;
  readonly renders: number;
}

interface RenderFigures {
  readonly senders: number;
  readonly ms: number[];
  readonly bytes: number;
  readonly rss: number;
}

/** A load run with the server's CPU time over it. */
export interface Phase extends IngestResult {
  /** Server CPU (every thread) per accepted export, µs. */
  readonly serverCpuUsPerExport: number;
  /** Server CPU per second of the run, ms (1000 = one core busy). */
  readonly serverCpuMsPerS: number;
}

export interface TargetFigures {
  readonly target: Target['name'];
  readonly populateSmall: Phase;
  readonly throughput: Phase;
  readonly atRate: Phase;
  readonly populateLarge: Phase;
  readonly small: RenderFigures;
  readonly large: RenderFigures;
}

type Spec = Omit<LoadSpec, 'target' | 'url' | 'templateFile' | 'textFile'>;

async function renders(
  url: string,
  marker: string,
  pid: number,
  n: number,
): Promise<RenderFigures> {
  const runs: Render[] = [];
  for (let i = 0; i < n; i++) runs.push(await renderOnce(url, marker));
  return {
    senders: runs.at(-1)!.senders,
    ms: runs.map((r) => r.ms),
    bytes: runs.at(-1)!.bytes,
    rss: rssOf(pid),
  };
}

async function runTarget(
  target: Target,
  files: { template: string; text: string },
  cores: Cores,
  z: Sizes,
): Promise<TargetFigures> {
  const server = await startTarget(target, cores.server);
  const load = async (what: string, spec: Spec): Promise<Phase> => {
    progress('collector', `${target.label}: ${what}`);
    const full: LoadSpec = {
      target: target.name,
      url: server.url,
      templateFile: files.template,
      textFile: files.text,
      ...spec,
    };
    const child = startScript('collector/ingest-load', [JSON.stringify(full)], {
      cpus: cores.load,
    });
    try {
      const cpu0 = cpuTimeNs(server.pid);
      const r = await message<IngestResult>(child, RESULT, spec.durationS * 1000 + 60_000);
      const cpuMs = Number(cpuTimeNs(server.pid) - cpu0) / 1e6;
      return {
        ...r,
        serverCpuUsPerExport: (cpuMs * 1000) / r.ok,
        serverCpuMsPerS: cpuMs / r.durationS,
      };
    } finally {
      await child.stop('SIGKILL', 1000);
    }
  };
  try {
    const populateSmall = await load(`populate ${z.small} senders`, {
      first: 0,
      senders: z.small,
      amount: z.small,
      connections: 8,
      durationS: 120,
    });
    progress('collector', `${target.label}: render /metrics with ${z.small} senders`);
    const small = await renders(server.url, target.perSenderMarker, server.pid, z.renders);
    const throughput = await load(
      `sustained ingest, ${z.connections} connections, ${z.durationS} s`,
      {
        first: 0,
        senders: z.small,
        connections: z.connections,
        durationS: z.durationS,
      },
    );
    const atRate = await load(`${z.rate} exports/s for ${z.durationS} s`, {
      first: 0,
      senders: z.small,
      connections: z.connections,
      durationS: z.durationS,
      rate: z.rate,
    });
    const populateLarge = await load(`populate up to ${z.large} senders`, {
      first: z.small,
      senders: z.large - z.small,
      amount: z.large - z.small,
      connections: 8,
      durationS: 180,
    });
    progress('collector', `${target.label}: render /metrics with ${z.large} senders`);
    const large = await renders(server.url, target.perSenderMarker, server.pid, z.renders);
    return { target: target.name, populateSmall, throughput, atRate, populateLarge, small, large };
  } finally {
    await server.child.stop('SIGTERM', 5000);
  }
}

const perSenderKiB = (f: TargetFigures): number =>
  (f.large.rss - f.small.rss) / (f.large.senders - f.small.senders) / 1024;
const failures = (r: Phase): number => r.errors + r.non2xx;

function columns(f: TargetFigures): string[] {
  return [
    `${num(f.throughput.rps, 0)} (${failures(f.throughput)} failed)`,
    `${num(f.throughput.serverCpuUsPerExport, 0)} µs; server ${num(f.throughput.serverCpuMsPerS / 10, 0)}% of a core, load generator ${num(f.throughput.loadCpuMsPerS / 10, 0)}%`,
    `${num(f.atRate.rps, 0)}/s, p50 ${num(f.atRate.p50Ms, 2)}, p99 ${num(f.atRate.p99Ms, 2)} (${failures(f.atRate)} failed; sender at most ${num(f.atRate.maxLagMs ?? NaN, 1)} ms late)`,
    `${num(median(f.small.ms), 0)} ms, ${mib(f.small.bytes)} MiB, ${f.small.senders} senders`,
    `${num(median(f.large.ms), 0)} ms, ${mib(f.large.bytes)} MiB, ${f.large.senders} senders`,
    `${mib(f.small.rss)} / ${mib(f.large.rss)}`,
    num(perSenderKiB(f), 1),
    `${num(f.populateLarge.rps, 0)}/s (${failures(f.populateLarge)} failed)`,
  ];
}

export async function collectorIngest(s: { quick: boolean }): Promise<Report> {
  const z: Sizes = s.quick
    ? { small: 100, large: 1000, durationS: 2, connections: 32, rate: 1000, renders: 2 }
    : { small: 1000, large: 10_000, durationS: 10, connections: 32, rate: 1000, renders: 3 };
  const cores = pickCores();
  const unpin = pinSelf(cores.load);
  const dir = mkdtempSync(join(tmpdir(), 'loopscope-bench-'));
  try {
    progress(
      'collector',
      'building an agent export with the real samplers and the OTel protobuf serializer',
    );
    const template = await buildTemplate();
    const text = pushText(template);
    const files = { template: join(dir, 'template.json'), text: join(dir, 'push.txt') };
    writeFileSync(files.template, toJson(template));
    writeFileSync(files.text, text);
    const figures: TargetFigures[] = [];
    for (const target of TARGETS) figures.push(await runTarget(target, files, cores, z));
    const [ours, pgw] = figures as [TargetFigures, TargetFigures];
    const rows = [
      'exports/s, sustained (closed loop)',
      'server CPU per export (sustained run); CPU use',
      `at ${z.rate} exports/s: achieved, latency ms`,
      `GET /metrics, ${z.small} senders (median of ${z.renders})`,
      `GET /metrics, ${z.large} senders (median of ${z.renders})`,
      `RSS MiB at ${z.small} / ${z.large} senders`,
      'RSS per sender, KiB',
      `populating ${z.large - z.small} new senders`,
    ];
    const cols = figures.map(columns);
    const goals: Goal[] = [
      {
        goal: '>= 5,000 exports/s on one core',
        measured: `${num(ours.throughput.rps, 0)} exports/s (server CPU ${num(ours.throughput.serverCpuUsPerExport, 0)} µs per export, i.e. at most ~${num(1e6 / ours.throughput.serverCpuUsPerExport, 0)}/s on a free core)`,
        met: ours.throughput.rps >= 5000,
      },
      {
        goal: `p99 ingest latency < 10 ms at ${z.rate} exports/s`,
        measured: `${num(ours.atRate.p99Ms, 2)} ms (achieved ${num(ours.atRate.rps, 0)}/s)`,
        met: ours.atRate.p99Ms < 10 && ours.atRate.rps >= z.rate * 0.95,
      },
      {
        goal: `/metrics render for ${z.large} senders < 1 s`,
        measured: `${num(median(ours.large.ms), 0)} ms for ${ours.large.senders} senders`,
        met: median(ours.large.ms) < 1000 && ours.large.senders === z.large,
      },
      {
        goal: 'faster than Pushgateway on the same data (sustained exports/s and p99 at the fixed rate)',
        measured: `${num(ours.throughput.rps, 0)} vs ${num(pgw.throughput.rps, 0)} exports/s; p99 ${num(ours.atRate.p99Ms, 2)} vs ${num(pgw.atRate.p99Ms, 2)} ms`,
        met: ours.throughput.rps > pgw.throughput.rps && ours.atRate.p99Ms < pgw.atRate.p99Ms,
      },
    ];
    const markdown = [
      `One agent's export: the agent's real samplers collected through the OpenTelemetry SDK and encoded by its protobuf serializer: ${template.points} data points in ${template.body.length} bytes (histograms carry their buckets inside one point); Pushgateway gets the same data as Prometheus text (the collector's own conversion, ${text.length} bytes, ${text.split('\n').length - 1} lines) by PUT per sender. Each server is pinned to CPU ${cores.server ?? 'any'}, autocannon (${z.connections} connections) to CPU ${cores.load ?? 'any'}; ${z.durationS} s per measured run. Sustained runs are autocannon's closed loop; the fixed-rate run sends evenly spaced requests (open loop, src/collector/paced.ts) and times each from its sending, with the sender's own worst lag behind schedule beside it; render time is GET /metrics to the last byte.`,
      '',
      table(
        ['figure', ...TARGETS.map((t) => t.label)],
        rows.map((r, i) => [r, ...cols.map((c) => c[i]!)]),
      ),
    ].join('\n');
    return {
      name: 'collector',
      markdown,
      goals,
      data: { sizes: z, cores, points: template.points, bytes: template.body.length, figures },
    };
  } finally {
    unpin();
    rmSync(dir, { recursive: true, force: true });
  }
}
