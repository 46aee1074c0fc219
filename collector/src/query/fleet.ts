/**
 * `/api/v1/instances` over PromQL (`--query-url`): the fleet ranking and
 * instance list from the database every replica writes to, built with the
 * same PromQL builders as the recording rules. One instant query per column,
 * fleet-wide, joined by (job, instance).
 */
import { COLLECTOR_METRICS } from '../self-metric-names.js';
import type { InstanceSummary, ServiceSummary } from '../history/history.js';
import type { BlockCause } from '@loopscope/agent/names';
import { LABEL, PROM } from '../promql/names.js';
import { quantile, utilization } from '../promql/builders.js';
import { numberOf, type PromQueryClient, type PromSeries } from './client.js';

const INSTANCE = ['job', 'instance'];
const LAST_SEEN = COLLECTOR_METRICS.senderLastSeen;
/** Stale once this many export intervals passed without one (as the in-process history says). */
const MISSED_EXPORTS_STALE = 3;
const UNKNOWN_INTERVAL_MS = 10_000;

export interface FleetWindows {
  readonly windowMs: number;
  readonly rankWindowMs: number;
  readonly maxInstances: number;
}

const STARVED: BlockCause = 'cpu_starved';
const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;
const keyOf = (job: string, instance: string): string => `${job}\u0000${instance}`;
const lastOver = (metric: string, w: string): string =>
  `sum by (job, instance) (last_over_time(${metric}[${w}]))`;

/** The PromQL behind every column of the instance list, at one time. */
export function fleetQueries(o: FleetWindows): Record<string, string> {
  const w = seconds(o.windowMs);
  const r = seconds(o.rankWindowMs);
  return {
    lastSeen: `max by (job, instance) (max_over_time(${LAST_SEEN}[${w}]))`,
    // Mean gap between exports over the rank window: the spread of the timestamps over their changes.
    intervalSec: `max by (job, instance) ((max_over_time(${LAST_SEEN}[${r}]) - min_over_time(${LAST_SEEN}[${r}])) / changes(${LAST_SEEN}[${r}]))`,
    points: `max by (job, instance) (count_over_time(${LAST_SEEN}[${w}]))`,
    attributes: `last_over_time(${COLLECTOR_METRICS.targetInfo}[${w}])`,
    loopDelayP99: quantile(0.99, PROM.eventloopDelay, INSTANCE, r),
    loopDelayMax: `max by (job, instance) (max_over_time(${PROM.eventloopDelayMax}[${r}]))`,
    threadpoolQueueDelayP99: quantile(0.99, PROM.threadpoolQueueDelay, INSTANCE, r),
    threadpoolWaitP99: quantile(0.99, PROM.threadpoolWait, INSTANCE, r),
    starvedSeconds: `sum by (job, instance) (increase(${PROM.eventloopBlockTime}{${LABEL.blockCause}="${STARVED}"}[${r}]))`,
    cpuLimit: lastOver(PROM.cgroupCpuLimit, r),
    utilization: utilization(INSTANCE, r),
    activeResources: lastOver(PROM.resourceActive, r),
    heapUsed: lastOver(PROM.heapUsed, r),
    heapLimit: lastOver(PROM.heapLimit, r),
    jobLoopDelayP99: quantile(0.99, PROM.eventloopDelay, ['job'], r),
  };
}

function byInstance(result: readonly PromSeries[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const s of result) {
    const { job, instance } = s.metric;
    if (job !== undefined && instance !== undefined)
      out.set(keyOf(job, instance), numberOf(s.value?.[1]));
  }
  return out;
}

const byWorstP99 = (a: { loopDelayP99: number | null }, b: { loopDelayP99: number | null }) =>
  (b.loopDelayP99 ?? -1) - (a.loopDelayP99 ?? -1);

/** Reads the fleet at `nowMs`: the same shape the in-process history gives. */
export async function readFleet(
  client: PromQueryClient,
  o: FleetWindows,
  nowMs: number,
): Promise<{ services: ServiceSummary[]; untrackedInstances: number }> {
  const queries = fleetQueries(o);
  const names = Object.keys(queries);
  const answers = await Promise.all(names.map((n) => client.query(queries[n] ?? '', nowMs / 1000)));
  const result = new Map(names.map((n, i) => [n, answers[i] ?? []]));
  const column = (name: string) => byInstance(result.get(name) ?? []);
  const lastSeen = column('lastSeen');
  const interval = column('intervalSec');
  const points = column('points');
  const cols = {
    loopDelayP99: column('loopDelayP99'),
    loopDelayMax: column('loopDelayMax'),
    threadpoolQueueDelayP99: column('threadpoolQueueDelayP99'),
    threadpoolWaitP99: column('threadpoolWaitP99'),
    starvedSeconds: column('starvedSeconds'),
    cpuLimit: column('cpuLimit'),
    utilization: column('utilization'),
    activeResources: column('activeResources'),
    heapUsed: column('heapUsed'),
    heapLimit: column('heapLimit'),
  };
  const attributes = new Map<string, Record<string, string>>();
  for (const s of result.get('attributes') ?? []) {
    const { job, instance } = s.metric;
    if (job === undefined || instance === undefined) continue;
    // Label names come from senders: a null-prototype object, never a plain one.
    const attrs = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(s.metric)) {
      if (k !== 'job' && k !== 'instance' && k !== '__name__') attrs[k] = v;
    }
    attributes.set(keyOf(job, instance), attrs);
  }
  const jobP99 = new Map<string, number | null>();
  for (const s of result.get('jobLoopDelayP99') ?? []) {
    if (s.metric.job !== undefined) jobP99.set(s.metric.job, numberOf(s.value?.[1]));
  }

  // The newest senders first when more are known than the list may hold (as --history-instances bounds the history).
  const known = [...lastSeen]
    .flatMap(([key, seen]) => (seen === null ? [] : [{ key, lastSeenMs: seen * 1000 }]))
    .sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  const kept = known.slice(0, o.maxInstances);
  const jobs = new Map<string, InstanceSummary[]>();
  for (const { key, lastSeenMs } of kept) {
    const [job = '', instance = ''] = key.split('\u0000');
    const gap = interval.get(key) ?? null;
    const intervalMs = gap === null || gap <= 0 ? null : Math.round(gap * 1000);
    const staleAfter = MISSED_EXPORTS_STALE * (intervalMs ?? UNKNOWN_INTERVAL_MS);
    const get = (c: Map<string, number | null>) => c.get(key) ?? null;
    const summary: InstanceSummary = {
      job,
      instance,
      state: nowMs - lastSeenMs <= staleAfter ? 'live' : 'stale',
      lastSeenMs,
      intervalMs,
      points: get(points) ?? 0,
      attributes: attributes.get(key) ?? (Object.create(null) as Record<string, string>),
      loopDelayP99: get(cols.loopDelayP99),
      loopDelayMax: get(cols.loopDelayMax),
      threadpoolQueueDelayP99: get(cols.threadpoolQueueDelayP99),
      threadpoolWaitP99: get(cols.threadpoolWaitP99),
      starvedSeconds: get(cols.starvedSeconds),
      cpuLimit: get(cols.cpuLimit),
      utilization: get(cols.utilization),
      activeResources: get(cols.activeResources),
      heapUsed: get(cols.heapUsed),
      heapLimit: get(cols.heapLimit),
    };
    jobs.set(job, [...(jobs.get(job) ?? []), summary]);
  }
  const services = [...jobs]
    .map(([job, instances]) => ({
      job,
      loopDelayP99: jobP99.get(job) ?? null,
      instances: instances.sort((a, b) => byWorstP99(a, b) || a.instance.localeCompare(b.instance)),
    }))
    .sort(
      (a, b) =>
        byWorstP99(
          { loopDelayP99: a.instances[0]?.loopDelayP99 ?? null },
          { loopDelayP99: b.instances[0]?.loopDelayP99 ?? null },
        ) || a.job.localeCompare(b.job),
    );
  return { services, untrackedInstances: known.length - kept.length };
}
