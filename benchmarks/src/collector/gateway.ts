/**
 * Benchmark 6: the collector as a remote-write gateway into a real
 * VictoriaMetrics, side by side in one run: gateway mode
 * (--no-scrape-endpoint), scrape mode with remote write, and scrape mode
 * alone. Each collector is pinned to one core, the load generator (the
 * collector benchmark's sender, agent-shaped exports) and VictoriaMetrics
 * to the other. Figures: sustained exports/s (closed loop; accepted and
 * actually written), server CPU per export, latency at a fixed 1,000
 * exports/s, RSS at 1,000 and 10,000 senders; then two gateway replicas,
 * one per core, against one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVictoriaMetrics, startProcess, type VictoriaMetrics } from '@loopscope/testkit';
import { RESULT } from '../apps/message.js';
import { message, startScript } from '../children.js';
import { mib, num, table } from '../format.js';
import { pickCores, pinSelf } from '../pinning.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import { cpuTimeNs } from '../cpu/schedstat.js';
import type { IngestResult, LoadSpec } from './ingest-load.js';
import { rssOf, startTarget, TARGETS, type Running } from './ingest-servers.js';
import { buildTemplate, toJson } from './export-template.js';
import { pushText } from './pushgateway-text.js';
import type { Sizes as CollectorSizes } from './index.js';

interface Arm {
  readonly label: string;
  readonly args: (vm: VictoriaMetrics) => string[];
}

const ARMS: readonly Arm[] = [
  {
    label: 'gateway (--no-scrape-endpoint, remote write)',
    args: (vm) => ['--remote-write-url', vm.writeUrl, '--no-scrape-endpoint'],
  },
  { label: 'scrape mode + remote write', args: (vm) => ['--remote-write-url', vm.writeUrl] },
  { label: 'scrape mode only (no remote write)', args: () => [] },
];

type Sizes = Omit<CollectorSizes, 'renders'>;

interface LoadRun extends IngestResult {
  readonly serverCpuUsPerExport: number;
  /** Samples the collector wrote to the database during the run (its own counter). */
  readonly sentSamples: number;
}

interface ArmFigures {
  readonly label: string;
  readonly throughput: LoadRun;
  readonly atRate: LoadRun;
  readonly rssSmall: number;
  readonly rssLarge: number;
  readonly samplesPerExport: number;
}

type Spec = Omit<LoadSpec, 'target' | 'url' | 'templateFile' | 'textFile'>;

async function sentSamples(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (/^loopscope_collector_remote_write_samples_total\{.*result="sent"/.test(line)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

async function queueEmpty(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const q = text
      .split('\n')
      .find((l) => l.startsWith('loopscope_collector_remote_write_queue_bytes{'));
    if (!q || Number(q.slice(q.lastIndexOf(' ') + 1)) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function loadRunner(files: { template: string; text: string }, loadCores: string | undefined) {
  return async (servers: readonly Running[], what: string, spec: Spec): Promise<LoadRun[]> => {
    progress('gateway', what);
    const children = servers.map((server, i) =>
      startScript(
        'collector/ingest-load',
        [
          JSON.stringify({
            target: 'collector',
            url: server.url,
            templateFile: files.template,
            textFile: files.text,
            ...spec,
            // Each replica gets its own senders.
            first: spec.first + i * spec.senders,
          } satisfies LoadSpec),
        ],
        { cpus: loadCores },
      ),
    );
    try {
      const cpu0 = servers.map((s) => cpuTimeNs(s.pid));
      const sent0 = await Promise.all(servers.map((s) => sentSamples(s.url)));
      const results = await Promise.all(
        children.map((c) => message<IngestResult>(c, RESULT, spec.durationS * 1000 + 120_000)),
      );
      const sent1 = await Promise.all(servers.map((s) => sentSamples(s.url)));
      return results.map((r, i) => ({
        ...r,
        serverCpuUsPerExport: Number(cpuTimeNs(servers[i]!.pid) - cpu0[i]!) / 1000 / r.ok,
        sentSamples: sent1[i]! - sent0[i]!,
      }));
    } finally {
      await Promise.all(children.map((c) => c.stop('SIGKILL', 1000)));
    }
  };
}

export async function gatewayBench(s: { quick: boolean }): Promise<Report> {
  const z: Sizes = s.quick
    ? { small: 100, large: 1000, durationS: 2, connections: 32, rate: 1000 }
    : { small: 1000, large: 10_000, durationS: 10, connections: 32, rate: 1000 };
  const cores = pickCores();
  const unpin = pinSelf(cores.load);
  const dir = mkdtempSync(join(tmpdir(), 'loopscope-bench-gw-'));
  const collector = TARGETS.find((t) => t.name === 'collector')!;
  let vm: VictoriaMetrics | undefined;
  try {
    progress('gateway', 'building an agent export with the real samplers');
    const template = await buildTemplate();
    const files = { template: join(dir, 'template.json'), text: join(dir, 'push.txt') };
    writeFileSync(files.template, toJson(template));
    writeFileSync(files.text, pushText(template));
    const heapPerSender: Record<string, { kibPerSender: number; storeSeries: number }> = {};
    for (const mode of ['gateway', 'scrape']) {
      progress('gateway', `heap per sender, ${mode} mode, ${z.small} -> ${z.large} senders`);
      const child = startScript(
        'collector/liveness-heap',
        [files.template, mode, String(z.small), String(z.large)],
        { nodeArgs: ['--expose-gc'] },
      );
      try {
        heapPerSender[mode] = await message(child, RESULT, 300_000);
      } finally {
        await child.stop('SIGKILL', 1000);
      }
    }
    vm = await startVictoriaMetrics();
    if (cores.load) {
      startProcess('taskset', ['-a', '-p', '-c', cores.load, String(vm.child.process.pid)]);
    }
    const load = loadRunner(files, cores.load);
    const figures: ArmFigures[] = [];
    for (const arm of ARMS) {
      const server = await startTarget(collector, cores.server, arm.args(vm));
      try {
        const [populate] = await load([server], `${arm.label}: populate ${z.small} senders`, {
          first: 0,
          senders: z.small,
          amount: z.small,
          connections: 8,
          durationS: 120,
        });
        await queueEmpty(server.url);
        const samplesPerExport = (await sentSamples(server.url)) / populate!.ok;
        const rssSmall = rssOf(server.pid);
        const [throughput] = await load([server], `${arm.label}: sustained, ${z.durationS} s`, {
          first: 0,
          senders: z.small,
          connections: z.connections,
          durationS: z.durationS,
        });
        await queueEmpty(server.url);
        const [atRate] = await load([server], `${arm.label}: ${z.rate} exports/s`, {
          first: 0,
          senders: z.small,
          connections: z.connections,
          durationS: z.durationS,
          rate: z.rate,
        });
        await load([server], `${arm.label}: populate up to ${z.large} senders`, {
          first: z.small,
          senders: z.large - z.small,
          amount: z.large - z.small,
          connections: 8,
          durationS: 300,
        });
        await queueEmpty(server.url);
        figures.push({
          label: arm.label,
          throughput: throughput!,
          atRate: atRate!,
          rssSmall,
          rssLarge: rssOf(server.pid),
          samplesPerExport,
        });
      } finally {
        await server.child.stop('SIGTERM', 15_000);
      }
    }

    // Two gateway replicas, one per core, each with its own load generator.
    const replicaCores =
      cores.server && cores.load ? [cores.server, cores.load] : [undefined, undefined];
    const replicas = await Promise.all(
      replicaCores.map((c) => startTarget(collector, c, ARMS[0]!.args(vm!))),
    );
    let one: LoadRun;
    let two: LoadRun[];
    try {
      [one] = (await load(replicas.slice(0, 1), `1 gateway replica, sustained`, {
        first: 0,
        senders: z.small,
        connections: z.connections,
        durationS: z.durationS,
      })) as [LoadRun];
      await Promise.all(replicas.map((r) => queueEmpty(r.url)));
      two = await load(replicas, `2 gateway replicas, sustained`, {
        first: 0,
        senders: z.small,
        connections: z.connections,
        durationS: z.durationS,
      });
    } finally {
      await Promise.all(replicas.map((r) => r.child.stop('SIGTERM', 15_000)));
    }

    const written = (f: ArmFigures, r: LoadRun): number =>
      f.samplesPerExport > 0 ? r.sentSamples / f.samplesPerExport / r.durationS : NaN;
    const perSender = (f: ArmFigures): number =>
      (f.rssLarge - f.rssSmall) / (z.large - z.small) / 1024;
    const rows = [
      'exports/s accepted, sustained (closed loop)',
      'exports/s written to VictoriaMetrics in the same run',
      'server CPU per accepted export',
      `at ${z.rate} exports/s: achieved, p50 / p99 ms`,
      `RSS MiB at ${z.small} / ${z.large} senders`,
      'RSS per sender, KiB',
      'samples per export',
    ];
    const cols = figures.map((f) => [
      `${num(f.throughput.rps, 0)} (${f.throughput.non2xx} non-2xx, ${f.throughput.errors} errors)`,
      Number.isNaN(written(f, f.throughput)) ? '-' : num(written(f, f.throughput), 0),
      `${num(f.throughput.serverCpuUsPerExport, 0)} µs`,
      `${num(f.atRate.rps, 0)}/s, ${num(f.atRate.p50Ms, 2)} / ${num(f.atRate.p99Ms, 2)} (${f.atRate.non2xx + f.atRate.errors} failed)`,
      `${mib(f.rssSmall)} / ${mib(f.rssLarge)}`,
      num(perSender(f), 1),
      num(f.samplesPerExport, 0),
    ]);
    const gw = figures[0]!;
    const twoRps = two.reduce((a, r) => a + r.rps, 0);
    const goals: Goal[] = [
      {
        goal: '>= 3,000 exports/s per core written into the database (gateway mode)',
        measured: `${num(gw.throughput.rps, 0)} accepted, ${num(written(gw, gw.throughput), 0)} written exports/s; server CPU ${num(gw.throughput.serverCpuUsPerExport, 0)} µs per export (~${num(1e6 / gw.throughput.serverCpuUsPerExport, 0)}/s on a free core)`,
        met: written(gw, gw.throughput) >= 3000,
      },
      {
        goal: `RSS <= 10 KiB per sender in gateway mode (${z.small} -> ${z.large} senders)`,
        measured: `RSS ${num(perSender(gw), 1)} KiB (scrape mode + remote write ${num(perSender(figures[1]!), 1)}, scrape only ${num(perSender(figures[2]!), 1)}); V8 heap of store + converter ${num(heapPerSender.gateway!.kibPerSender, 1)} KiB in gateway mode vs ${num(heapPerSender.scrape!.kibPerSender, 1)} KiB in scrape mode`,
        met: perSender(gw) <= 10,
      },
      {
        goal: 'a second replica (own core) doubles sustained throughput within 20%',
        measured: `1 replica ${num(one.rps, 0)}/s, 2 replicas ${num(twoRps, 0)}/s (${two.map((r) => num(r.rps, 0)).join(' + ')}) = ${num(twoRps / one.rps, 2)}x; on this 2-core machine the load generators and VictoriaMetrics share the replicas' cores`,
        met: twoRps >= 1.6 * one.rps,
      },
    ];
    const markdown = [
      `Agent-shaped exports (${template.points} points, ${template.body.length} bytes, the collector benchmark's sender) into the collector CLI pinned to CPU ${cores.server ?? 'any'}; the load generator (${z.connections} connections) and VictoriaMetrics on CPU ${cores.load ?? 'any'}; ${z.durationS} s per measured run. "Written" is the collector's own sent-samples counter over the run divided by the samples one export makes. RSS per sender: growth from ${z.small} to ${z.large} senders after the queue drained.`,
      '',
      table(
        ['figure', ...figures.map((f) => f.label)],
        rows.map((r, i) => [r, ...cols.map((c) => c[i]!)]),
      ),
      '',
      `V8 heap per sender (store + remote-write converter in one process, --expose-gc, ${z.small} -> ${z.large} senders, src/collector/liveness-heap.ts): gateway mode ${num(heapPerSender.gateway!.kibPerSender, 2)} KiB (store keeps ${heapPerSender.gateway!.storeSeries} series), scrape mode ${num(heapPerSender.scrape!.kibPerSender, 2)} KiB (${heapPerSender.scrape!.storeSeries} series).`,
      '',
      `Two gateway replicas, each pinned to its own core with its own load generator (both load generators and VictoriaMetrics on CPU ${cores.load ?? 'any'}, so the second replica shares its core with them): ${num(twoRps, 0)} exports/s against ${num(one.rps, 0)} for one.`,
    ].join('\n');
    return {
      name: 'gateway',
      markdown,
      goals,
      data: { sizes: z, cores, figures, one, two, heapPerSender },
    };
  } finally {
    unpin();
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
