/**
 * `hostile`: the collector CLI with its DEFAULT settings under the hostile
 * inputs of issue 15 items 1-4 at once, and the event-loop stall one large
 * request causes (item 3).
 *
 * Stall: a light sender (its own process, hostile-probe.ts) exports every 50 ms and
 * polls /healthz while this process sends, in turn, nothing, three 12.4 MiB
 * protobuf exports of 650,000 points (refused by --max-points-per-request),
 * one export of 10,000 points (the most accepted) and one of 2,000 new series.
 * The light sender's worst answer time in each phase is the stall (plus one
 * loopback round trip).
 *
 * Memory: a fresh collector receives together 64 slowloris connections, one
 * sender filling its per-sender series cap (and its three 13 MB requests),
 * 150 instances each sending 75 distinct ~63 KB-frame block stacks, and 20
 * instances sending v8js.resource.active with 2,000 distinct
 * v8js.resource.type values once a second (the UI history). RSS is sampled
 * every 200 ms; the peak is the kernel's VmHWM.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  blockEventsExport,
  distinctValuesExport,
  freePort,
  identicalPointsProtobuf,
  startProcess,
  trickle,
  waitFor,
  type Child,
} from '@loopscope/testkit';
import { mib, num, table } from '../format.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import type { Settings } from '../registry.js';
import { collectorCli, rssOf } from './ingest-servers.js';
import { medianOf, sliceRun, sliceTable } from './slices.js';

const PROBE = fileURLToPath(new URL('./hostile-probe.js', import.meta.url));
const JSON_CT = { 'content-type': 'application/json' };
const PB_CT = { 'content-type': 'application/x-protobuf' };

interface Collector {
  readonly url: string;
  readonly port: number;
  readonly child: Child;
}

async function startCollector(): Promise<Collector> {
  const port = await freePort();
  // Defaults only: the port is the one flag.
  const child = startProcess(process.execPath, [collectorCli(), '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/readyz`)).ok, {
    what: `collector ready at ${url}`,
    timeoutMs: 30_000,
  });
  return { url, port, child };
}

function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

/** POST, retrying while the collector sheds load (429/503): returns the final status. */
async function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  shed: { count: number },
): Promise<number> {
  for (;;) {
    const res = await fetch(url, { method: 'POST', headers, body });
    await res.arrayBuffer();
    if (res.status !== 429 && res.status !== 503) return res.status;
    shed.count++;
    await sleep(200);
  }
}

interface ProbeLine {
  readonly kind: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
}

function probeLines(child: Child): ProbeLine[] {
  return child
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind = '', at = '0', ms = '0', status = '0'] = l.split(' ');
      return { kind, at: Number(at), ms: Number(ms), status: Number(status) };
    });
}

interface PhaseFigures {
  readonly phase: string;
  readonly exports: number;
  readonly worstExportMs: number;
  readonly worstHealthzMs: number;
  readonly statuses: string;
}

function summarise(phase: string, lines: ProbeLine[], from: number, to: number): PhaseFigures {
  const within = lines.filter((l) => l.at >= from && l.at < to);
  const exports = within.filter((l) => l.kind === 'export');
  const health = within.filter((l) => l.kind === 'healthz');
  const statuses = new Map<number, number>();
  for (const l of exports) statuses.set(l.status, (statuses.get(l.status) ?? 0) + 1);
  return {
    phase,
    exports: exports.length,
    worstExportMs: Math.max(0, ...exports.map((l) => l.ms)),
    worstHealthzMs: Math.max(0, ...health.map((l) => l.ms)),
    statuses: [...statuses].map(([s, n]) => `${n}×${s}`).join(', '),
  };
}

async function stallRun(): Promise<{ phases: PhaseFigures[]; refused: number[] }> {
  const c = await startCollector();
  const probe = startProcess(process.execPath, [PROBE, c.url, '300']);
  const heavy = identicalPointsProtobuf(650_000);
  const most = identicalPointsProtobuf(10_000);
  const series = distinctValuesExport('users', 'user', 2000, { service: 's', instance: 'new' });
  const shed = { count: 0 };
  const marks: [string, number, number][] = [];
  const phase = async (name: string, work: () => Promise<void>) => {
    const from = Date.now();
    await work();
    await sleep(1000);
    marks.push([name, from, Date.now()]);
  };
  const refused: number[] = [];
  try {
    await sleep(1500); // the probe's first requests (connection set-up)
    await phase('light sender alone (3 s)', () => sleep(2000));
    await phase(`3 × ${mib(heavy.length)} MiB, 650,000 points (refused)`, async () => {
      for (let i = 0; i < 3; i++)
        refused.push(await post(`${c.url}/v1/metrics`, PB_CT, heavy, shed));
    });
    await phase('10,000 points, one series (the most accepted)', async () => {
      await post(`${c.url}/v1/metrics`, PB_CT, most, shed);
    });
    await phase('2,000 points, 2,000 new series', async () => {
      await post(`${c.url}/v1/metrics`, JSON_CT, series, shed);
    });
    probe.process.kill('SIGTERM');
    await sleep(200);
    const lines = probeLines(probe);
    return { phases: marks.map(([n, f, t]) => summarise(n, lines, f, t)), refused };
  } finally {
    probe.process.kill('SIGKILL');
    await c.child.stop('SIGKILL', 1000);
  }
}

interface MemoryFigures {
  readonly seconds: number;
  readonly rssSamples: number[];
  readonly finalRss: number;
  readonly peakRss: number;
  readonly slowAnswers: string;
  readonly greedyStatuses: string;
  readonly blocksAccepted: number;
  readonly historySamples: number;
  readonly shed: number;
  readonly light: PhaseFigures;
  readonly scrape: { series?: number; evicted?: number };
}

function sampleOf(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function memoryRun(instances: number, historySeconds: number): Promise<MemoryFigures> {
  const c = await startCollector();
  const pid = c.child.process.pid!;
  const started = Date.now();
  const rssSamples: number[] = [];
  const sampler = setInterval(() => {
    try {
      rssSamples.push(rssOf(pid));
    } catch {
      /* exited: reported below */
    }
  }, 200);
  const shed = { count: 0 };
  const probe = startProcess(process.execPath, [PROBE, c.url, String(historySeconds + 60)]);
  try {
    const slow = Array.from({ length: 64 }, () => trickle(c.port, 500));
    const slowAnswers = Promise.all(slow.map((s) => s.answer));
    await sleep(500);

    const greedy = (async () => {
      const statuses: number[] = [];
      const heavy = identicalPointsProtobuf(650_000);
      for (let i = 0; i < 3; i++)
        statuses.push(await post(`${c.url}/v1/metrics`, PB_CT, heavy, shed));
      // 6 metrics × 2,000 values (--max-cardinality) > the 10,000-series cap.
      for (let m = 0; m < 6; m++) {
        const body = distinctValuesExport(`greedy_${m}`, 'user', 2000, {
          service: 'greedy',
          instance: 'g',
        });
        statuses.push(await post(`${c.url}/v1/metrics`, JSON_CT, body, shed));
      }
      return statuses;
    })();

    const blocks = (async () => {
      let ok = 0;
      for (let i = 0; i < instances; i++) {
        if ((await post(`${c.url}/v1/logs`, JSON_CT, blockEventsExport(i), shed)) === 200) ok++;
      }
      return ok;
    })();

    const history = (async () => {
      let sent = 0;
      for (let s = 0; s < historySeconds; s++) {
        const tick = Date.now();
        for (let i = 0; i < 20; i++) {
          const body = distinctValuesExport(
            'v8js.resource.active',
            'v8js.resource.type',
            2000,
            { service: 'history', instance: `h-${i}` },
            'Type',
            '{resource}',
          );
          if ((await post(`${c.url}/v1/metrics`, JSON_CT, body, shed)) === 200) sent++;
        }
        await sleep(Math.max(0, 1000 - (Date.now() - tick)));
      }
      return sent;
    })();

    const [greedyStatuses, blocksAccepted, historySamples] = await Promise.all([
      greedy,
      blocks,
      history,
    ]);
    const answers = await slowAnswers;
    const answerCounts = new Map<string, number>();
    for (const a of answers) {
      const status = /^HTTP\/1\.1 (\d+)/.exec(a)?.[1] ?? 'none';
      answerCounts.set(status, (answerCounts.get(status) ?? 0) + 1);
    }
    await sleep(3000);
    const ended = Date.now();
    const text = await (await fetch(`${c.url}/metrics`)).text();
    clearInterval(sampler);
    const finalRss = rssOf(pid);
    const peak = peakRss(pid);
    probe.process.kill('SIGTERM');
    await sleep(200);
    return {
      seconds: (ended - started) / 1000,
      rssSamples,
      finalRss,
      peakRss: peak,
      slowAnswers: [...answerCounts].map(([s, n]) => `${n}×${s}`).join(', '),
      greedyStatuses: greedyStatuses.join(' '),
      blocksAccepted,
      historySamples,
      shed: shed.count,
      light: summarise('during the hostile mix', probeLines(probe), started, ended),
      scrape: {
        series: sampleOf(text, 'loopscope_collector_series '),
        evicted: sampleOf(text, 'loopscope_collector_blocks_evicted'),
      },
    };
  } finally {
    clearInterval(sampler);
    probe.process.kill('SIGKILL');
    await c.child.stop('SIGKILL', 1000);
  }
}

export async function hostileBench(settings: Settings): Promise<Report> {
  progress('hostile', 'loop stall of one large request');
  const stall = await stallRun();
  progress('hostile', 'loop stall per accepted request, in one go and in slices');
  const slices = await sliceRun(settings.quick ? 3 : 20);
  const instances = settings.quick ? 40 : 150;
  const historySeconds = settings.quick ? 10 : 30;
  progress('hostile', `memory under the mix (${instances} block instances, ${historySeconds} s)`);
  const mem = await memoryRun(instances, historySeconds);

  const stallRows = stall.phases.map((p) => [
    p.phase,
    String(p.exports),
    p.statuses,
    num(p.worstExportMs, 0),
    num(p.worstHealthzMs, 0),
  ]);
  const refusedPhase = stall.phases[1];
  const acceptedPhase = stall.phases[2];
  const goals: Goal[] = [
    {
      goal: 'a refused 13 MB request delays a light sender by < 50 ms',
      measured: `worst light export ${num(refusedPhase?.worstExportMs ?? NaN, 0)} ms`,
      met: refusedPhase ? refusedPhase.worstExportMs < 50 : undefined,
    },
    {
      goal: 'the largest accepted request (10,000 points) delays a light sender by < 50 ms',
      measured: `worst light export ${num(acceptedPhase?.worstExportMs ?? NaN, 0)} ms`,
      met: acceptedPhase ? acceptedPhase.worstExportMs < 50 : undefined,
    },
    ...slices.rows
      .filter((r) => r.slice === 1000)
      .map((r) => {
        const worst = Math.max(...r.stalls.map((x) => x.wallMs));
        const median = medianOf(r.stalls.map((x) => x.wallMs));
        return {
          goal: `an accepted request (${r.kind}) holds the loop < 50 ms (in process, default --ingest-slice-points)`,
          measured: `longest turn median ${num(median, 1)} ms, worst ${num(worst, 1)} ms`,
          met: worst < 50,
          cause: `decode alone ${num(slices.decodeMs[r.kind] ?? NaN, 1)} ms (not sliced)`,
        };
      }),
    {
      goal: 'peak RSS under the hostile mix, default settings, < 512 MiB',
      measured: `${mib(mem.peakRss)} MiB`,
      met: mem.peakRss < 512 * 2 ** 20,
    },
  ];
  const rssMax = Math.max(0, ...mem.rssSamples);
  const markdown = [
    '### Loop stall of one request (issue 15 item 3)',
    '',
    `The 13 MB requests got ${stall.refused.join(', ')}.`,
    '',
    table(
      ['phase', 'light exports', 'statuses', 'worst export (ms)', 'worst /healthz (ms)'],
      stallRows,
    ),
    '',
    '### Loop stall per accepted request, in one go and in slices (in process)',
    '',
    sliceTable(slices.rows, slices.decodeMs),
    '',
    '### Memory under the hostile mix (issue 15 items 1-4, default settings)',
    '',
    table(
      ['figure', 'value'],
      [
        ['run (s)', num(mem.seconds, 1)],
        ['RSS at the end (MiB)', mib(mem.finalRss)],
        ['highest RSS sample (MiB, every 200 ms)', mib(rssMax)],
        ['peak RSS, VmHWM (MiB)', mib(mem.peakRss)],
        ['64 slowloris connections answered', mem.slowAnswers],
        ['greedy sender statuses (3 × 13 MB, then 6 × 2,000 series)', mem.greedyStatuses],
        [`block exports accepted (75 stacks × 64 frames each)`, String(mem.blocksAccepted)],
        ['history exports accepted (2,000 values each)', String(mem.historySamples)],
        ['requests shed (429/503, retried)', String(mem.shed)],
        ['series in the store at the end', String(mem.scrape.series ?? 'n/a')],
        [
          'light sender during the mix',
          `${mem.light.exports} exports (${mem.light.statuses}), worst ${num(mem.light.worstExportMs, 0)} ms; worst /healthz ${num(mem.light.worstHealthzMs, 0)} ms`,
        ],
      ],
    ),
  ].join('\n');
  return { name: 'hostile', markdown, goals, data: { stall, slices, memory: mem } };
}
