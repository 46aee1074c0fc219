/**
 * Benchmark 2: per-collection cost of each agent sampler (median, p99),
 * with no sockets and with 10,000 open sockets, beside the full collection
 * of the agent, prom-client and the OTel runtime instrumentation. Each tool
 * is timed in a fresh process of its own, one after the other.
 */
import type { CollectionCosts } from '../apps/collection-costs.js';
import { ANATOMY_CLOCKS } from '../apps/cost-rows.js';
import { RESULT } from '../apps/message.js';
import { message, startScript } from '../children.js';
import { num, table } from '../format.js';
import { progress } from '../progress.js';
import type { Goal, Report } from '../report.js';
import { summarize, type Summary } from '../stats.js';
import { SOCKETS } from '../cpu/arms.js';

export interface CostRow {
  readonly what: string;
  readonly call: 'collect' | 'tick';
  readonly sockets: number;
  readonly ms: Summary;
}

const TOOLS = ['loopscope', 'prom', 'otel'] as const;

async function measure(tool: string, sockets: number, iterations: number): Promise<CostRow[]> {
  const child = startScript('apps/collection-costs', [], {
    env: { BENCH_TOOL: tool, BENCH_SOCKETS: String(sockets), BENCH_ITERATIONS: String(iterations) },
  });
  try {
    const costs = await message<CollectionCosts>(
      child,
      'BENCH_RESULT' satisfies typeof RESULT,
      180_000,
    );
    return Object.entries(costs).flatMap(([what, c]) => [
      ...(c.collect ? [{ what, call: 'collect' as const, sockets, ms: summarize(c.collect) }] : []),
      ...(c.tick ? [{ what, call: 'tick' as const, sockets, ms: summarize(c.tick) }] : []),
    ]);
  } finally {
    await child.stop('SIGKILL', 1000);
  }
}

export async function collectionCosts(s: { quick: boolean }): Promise<Report> {
  const iterations = s.quick ? 20 : 300;
  const rows: CostRow[] = [];
  for (const sockets of [0, SOCKETS]) {
    for (const tool of TOOLS) {
      progress('samplers', `${tool}, ${sockets} sockets: ${iterations} timed collections`);
      rows.push(...(await measure(tool, sockets, iterations)));
    }
  }
  const find = (what: string, sockets: number): CostRow | undefined =>
    rows.find((r) => r.what === what && r.sockets === sockets && r.call === 'collect');
  const goals: Goal[] = [];
  const resources = find('resources', SOCKETS);
  if (resources) {
    goals.push({
      goal: `active-resources collection with ${SOCKETS} sockets <= 1 ms median`,
      measured: `${num(resources.ms.median, 3)} ms median, ${num(resources.ms.p99, 3)} ms p99`,
      met: resources.ms.median <= 1,
    });
  }
  // Idle cost of the stall-anatomy signals (issue 12) at the agent's defaults: one clock read
  // per heartbeat (10 a second at the 100 ms period) and one cpu-pressure collection per export
  // (every 10 s); a 1 s export adds nine collections a second, shown beside it.
  const clocks = rows.find((r) => r.what === ANATOMY_CLOCKS && r.sockets === 0);
  const pressure = find('cpu-pressure', 0);
  if (clocks && pressure) {
    const perSecond = (q: 'median' | 'p99', exportsPerSecond: number): number =>
      10 * clocks.ms[q] + exportsPerSecond * pressure.ms[q];
    goals.push({
      goal: 'stall-anatomy signals at idle with the defaults (10 clock reads a second, 1 cpu-pressure collection per 10 s export) <= 0.2 ms/s',
      measured: `${num(perSecond('median', 0.1), 3)} ms/s from the medians (${num(perSecond('p99', 0.1), 3)} from the p99s; ${num(perSecond('median', 1), 3)} at a 1 s export): clocks ${num(clocks.ms.median, 4)} ms/read, cpu-pressure ${num(pressure.ms.median, 4)} ms/collection`,
      met: perSecond('median', 0.1) <= 0.2,
    });
  }
  const prom = find('prom-client register.metrics()', SOCKETS);
  const ours = find('loopscope full collection + protobuf', SOCKETS);
  if (prom && ours) {
    goals.push({
      goal: `loopscope's full collection with ${SOCKETS} sockets is cheaper than prom-client's full scrape (~20 ms in the field notes)`,
      measured: `${num(ours.ms.median, 2)} ms vs ${num(prom.ms.median, 2)} ms median`,
      met: ours.ms.median < prom.ms.median,
    });
  }
  const markdown = [
    `Milliseconds per call, ${iterations} calls spaced by 2 ms in a fresh process per tool (performance.now() around each call; async collections include their awaits). Sampler rows call the agent's Sampler objects directly; "full collection" rows go through the OpenTelemetry SDK's MetricReader and serialise OTLP/protobuf as the exporter would.`,
    '',
    table(
      ['what', 'call', 'sockets', 'median ms', 'p99 ms', 'max ms'],
      rows.map((r) => [
        r.what,
        r.call,
        String(r.sockets),
        num(r.ms.median, 3),
        num(r.ms.p99, 3),
        num(r.ms.max, 3),
      ]),
    ),
  ].join('\n');
  return { name: 'samplers', markdown, goals, data: rows };
}
