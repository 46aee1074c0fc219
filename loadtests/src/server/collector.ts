import { COLUMN } from '@loopscope/collector/ui-columns';
import { METRICS } from '@loopscope/agent/names';
import type { InstancesResponse, SeriesResponse } from '@loopscope/collector';
import { SourceError } from '../errors.js';
import { BLOCKS_LIMIT, stacksInWindow, type BlocksBody } from './blocks.js';
import { BUSY_LIMIT, busyInWindow, type BusyBody } from './busy.js';
import {
  BLOCK_CAUSES,
  noCauseMs,
  type CauseMs,
  type CpuPressure,
  type StallTime,
} from './stall-causes.js';
import { baseUrl, getJson, isList } from './http.js';
import {
  emptySignals,
  type BusyLoop,
  type Point,
  type ServerData,
  type ServerQuery,
  type ServerSource,
  type SignalKey,
} from './source.js';

interface ErrorBody {
  message?: string;
}

/** How one collector series becomes signals: which columns, summed or picked, and the scale to ms. */
interface Mapping {
  metric: string;
  to: SignalKey;
  /** A column name, or `sum` to add every column (resources and pending requests by type). */
  column: string;
  scale: number;
}

const MAPPINGS: readonly Mapping[] = [
  { metric: METRICS.eventloopDelay.name, to: 'loopDelayP99', column: COLUMN.p99, scale: 1000 },
  { metric: METRICS.eventloopDelay.name, to: 'loopDelayMax', column: COLUMN.max, scale: 1000 },
  { metric: METRICS.eventloopUtilization.name, to: 'utilization', column: 'utilization', scale: 1 },
  {
    metric: METRICS.threadpoolQueueDelay.name,
    to: 'poolDelayP99',
    column: COLUMN.p99,
    scale: 1000,
  },
  { metric: METRICS.resourceActive.name, to: 'activeResources', column: 'sum', scale: 1 },
  { metric: METRICS.threadpoolPending.name, to: 'poolPending', column: 'sum', scale: 1 },
];

function pointsOf(body: SeriesResponse, m: Mapping): Point[] {
  const points: Point[] = [];
  body.t.forEach((t, i) => {
    let v: number | null = null;
    if (m.column === 'sum') {
      for (const c of body.series) {
        const x = c.values[i];
        if (x !== null && x !== undefined) v = (v ?? 0) + x;
      }
    } else {
      v = body.series.find((c) => c.name === m.column)?.values[i] ?? null;
    }
    if (v !== null && Number.isFinite(v)) points.push({ t, v: v * m.scale });
  });
  return points;
}

/**
 * Time a rate column (seconds per second, one value per export) adds up to
 * over the window, ms: each value times the gap since the previous export
 * (the first, whose interval began before the window, is left out).
 */
export function integrateRate(body: SeriesResponse, column: string): number | null {
  const values = body.series.find((c) => c.name === column)?.values;
  if (!values) return null;
  let total: number | null = null;
  for (let i = 1; i < body.t.length; i++) {
    const v = values[i];
    const dt = (body.t[i] as number) - (body.t[i - 1] as number);
    if (v === null || v === undefined || !Number.isFinite(v) || dt <= 0) continue;
    total = (total ?? 0) + v * dt;
  }
  return total;
}

/**
 * Column names of the run-queue wait series. Read by name from the
 * collector's own column table when it has them (collectors that serve
 * `loopscope.mainthread.cpu_wait.time`); older ones serve no such series.
 */
const PRESSURE_COLUMNS = COLUMN as Readonly<Record<string, string | undefined>>;

/**
 * Reads the signals from the embedded collector's JSON API
 * (`/api/v1/instances`, `/api/v1/series`). The collector keeps a bounded
 * in-memory history (15 minutes by default): analyse soon after the run.
 */
export class CollectorSource implements ServerSource {
  readonly kind = 'collector' as const;
  readonly url: string;

  constructor(url: string) {
    this.url = baseUrl('collector', url);
  }

  private async get<T>(path: string): Promise<{ status: number; body: T & ErrorBody }> {
    return getJson<T & ErrorBody>('the collector', this.url + path);
  }

  async fetch(q: ServerQuery): Promise<ServerData> {
    const { status, body } = await this.get<InstancesResponse>('/api/v1/instances');
    if (status !== 200 || !isList(body.services))
      throw new SourceError(
        `the collector's /api/v1/instances answered ${status}: ${body.message ?? 'not the instances list'}`,
      );
    // The history behind the API holds a bounded number of instances; the rest are only counted.
    const untracked =
      body.untrackedInstances > 0
        ? `the collector's history is full (limit ${body.maxInstances}, all live): ${body.untrackedInstances} more instance(s) are not in it; restart it with a higher --history-instances`
        : undefined;
    const service = body.services.find((s) => s.job === q.job);
    if (!service) {
      const known = body.services.map((s) => s.job).join(', ') || 'none';
      throw new SourceError(
        `the collector knows no job "${q.job}" (jobs it has: ${known})${untracked ? `; ${untracked}` : ''}`,
      );
    }
    const instances = q.instance ? [q.instance] : service.instances.map((i) => i.instance);
    const signals = emptySignals();
    const warnings: string[] = untracked
      ? [`${untracked}: instances of job "${q.job}" among them are missing from this analysis`]
      : [];
    const metrics = [...new Set(MAPPINGS.map((m) => m.metric))];
    for (const instance of instances) {
      for (const metric of metrics) {
        const params = new URLSearchParams({
          job: q.job,
          instance,
          metric,
          from: String(Math.floor(q.fromMs)),
          to: String(Math.ceil(q.toMs)),
        });
        const r = await this.get<SeriesResponse>(`/api/v1/series?${params.toString()}`);
        if (r.status === 404) {
          warnings.push(`collector: ${r.body.message ?? `instance ${instance} not found`}`);
          break;
        }
        if (r.status !== 200)
          throw new SourceError(
            `the collector's /api/v1/series answered ${r.status}: ${r.body.message ?? ''}`,
          );
        for (const m of MAPPINGS.filter((x) => x.metric === metric))
          signals[m.to].push(...pointsOf(r.body, m));
      }
    }
    for (const list of Object.values(signals)) list.sort((a, z) => a.t - z.t);
    const blocks = await this.blockingStacks(q);
    if (blocks.warning) warnings.push(blocks.warning);
    const busyLoops = await this.busyLoops(q);
    const pressure = await this.pressure(q, instances, warnings);
    const intervals = new Map(service.instances.map((i) => [i.instance, i.intervalMs ?? 0]));
    const stallsCounted = await this.stallsCounted(q, instances, intervals, warnings);
    // Every stall's time by cause (the counter) beats the captured stalls' sample.
    const stallTime = pressure.stallTime ?? blocks.stallTime;
    if (signals.loopDelayP99.length === 0)
      warnings.push(
        `the collector has no event-loop data for job "${q.job}" in the run's window (it keeps a bounded history: analyse soon after the run)`,
      );
    return {
      source: 'collector',
      url: this.url,
      job: q.job,
      instances,
      signals,
      ...(blocks.stacks ? { blockingStacks: blocks.stacks } : {}),
      ...(busyLoops ? { busyLoops } : {}),
      ...(stallsCounted !== undefined ? { stallsCounted } : {}),
      ...(stallTime ? { stallTime } : {}),
      ...(pressure.cpuPressure ? { cpuPressure: pressure.cpuPressure } : {}),
      warnings,
    };
  }

  /**
   * Stall time by cause (`loopscope.eventloop.block.time`) and the main
   * thread's run-queue wait (`loopscope.mainthread.cpu_wait.time`), summed
   * over the instances, from collectors that serve them as series; a
   * collector that does not (400: metric not served) is said so once.
   */
  private async pressure(
    q: ServerQuery,
    instances: readonly string[],
    warnings: string[],
  ): Promise<{ stallTime?: StallTime; cpuPressure?: CpuPressure }> {
    const byCause: CauseMs = noCauseMs();
    let causes = false;
    let cpuWaitMs: number | null = null;
    let throttledMs: number | null = null;
    const served = new Set<string>();
    for (const metric of [METRICS.eventloopBlockTime.name, METRICS.mainthreadCpuWait.name]) {
      for (const instance of instances) {
        const params = new URLSearchParams({
          job: q.job,
          instance,
          metric,
          from: String(Math.floor(q.fromMs)),
          to: String(Math.ceil(q.toMs)),
        });
        const r = await this.get<SeriesResponse>(`/api/v1/series?${params.toString()}`);
        if (r.status !== 200) break;
        served.add(metric);
        if (metric === METRICS.eventloopBlockTime.name) {
          for (const cause of BLOCK_CAUSES) {
            const ms = integrateRate(r.body, cause);
            if (ms !== null) {
              byCause[cause] += ms;
              causes = true;
            }
          }
        } else {
          const add = (a: number | null, b: number | null) => (b === null ? a : (a ?? 0) + b);
          const wait = PRESSURE_COLUMNS.cpuWait;
          const throttled = PRESSURE_COLUMNS.throttled;
          if (wait) cpuWaitMs = add(cpuWaitMs, integrateRate(r.body, wait));
          if (throttled) throttledMs = add(throttledMs, integrateRate(r.body, throttled));
        }
      }
    }
    if (!served.has(METRICS.eventloopBlockTime.name))
      warnings.push(
        `this collector's API does not serve ${METRICS.eventloopBlockTime.name}: stall time by cause comes from the captured stalls' anatomy only (a sample); --prometheus reads the counter`,
      );
    return {
      ...(causes ? { stallTime: { byCause, from: 'counter' as const } } : {}),
      ...(cpuWaitMs !== null || throttledMs !== null
        ? {
            cpuPressure: {
              cpuWaitMs,
              throttledMs,
              throttledShare: null,
              windowMs: q.toMs - q.fromMs,
            },
          }
        : {}),
    };
  }

  /** Busy-loop events (`/api/v1/busy`); undefined from a collector without that route. */
  private async busyLoops(q: ServerQuery): Promise<BusyLoop[] | undefined> {
    const params = new URLSearchParams({
      job: q.job,
      limit: String(BUSY_LIMIT),
      ...(q.instance ? { instance: q.instance } : {}),
    });
    const r = await this.get<BusyBody>(`/api/v1/busy?${params.toString()}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !isList(r.body.recent))
      throw new SourceError(
        `the collector's /api/v1/busy answered ${r.status}: ${r.body.message ?? 'not a busy-loop list'}`,
      );
    return busyInWindow(r.body, q.fromMs, q.toMs);
  }

  /**
   * Every stall the agents counted in the run's window: their
   * `loopscope.eventloop.blocks` counter, served by the collector as what it
   * added per row, summed over the rows and the instances. The window ends
   * two export intervals (at least one step) late: a stall in the run's last
   * moment reaches the collector with the agent's next export, up to an
   * interval after it. Undefined (said so) from a collector that does not
   * serve the series, or when no agent sent the counter.
   */
  private async stallsCounted(
    q: ServerQuery,
    instances: readonly string[],
    intervalMs: ReadonlyMap<string, number>,
    warnings: string[],
  ): Promise<number | undefined> {
    let total: number | undefined;
    for (const instance of instances) {
      const pad = Math.max(q.stepMs, 2 * (intervalMs.get(instance) ?? 0));
      const params = new URLSearchParams({
        job: q.job,
        instance,
        metric: METRICS.eventloopBlocks.name,
        from: String(Math.floor(q.fromMs)),
        to: String(Math.ceil(q.toMs + pad)),
      });
      const r = await this.get<SeriesResponse>(`/api/v1/series?${params.toString()}`);
      if (r.status === 400) {
        warnings.push(
          `this collector's API does not serve ${METRICS.eventloopBlocks.name}: only the captured stalls (a sample) are counted; --prometheus counts every stall`,
        );
        return undefined;
      }
      if (r.status !== 200) continue;
      for (const v of r.body.series.find((c) => c.name === COLUMN.count)?.values ?? [])
        if (v !== null && Number.isFinite(v)) total = (total ?? 0) + v;
    }
    return total === undefined ? undefined : Math.round(total);
  }

  /** Stacks from the blocked-loop capture (`/api/v1/blocks`); none from a collector without it. */
  private async blockingStacks(
    q: ServerQuery,
  ): Promise<
    | ReturnType<typeof stacksInWindow>
    | { stacks?: undefined; warning?: undefined; stallTime?: undefined }
  > {
    const params = new URLSearchParams({
      job: q.job,
      limit: String(BLOCKS_LIMIT),
      ...(q.instance ? { instance: q.instance } : {}),
    });
    const r = await this.get<BlocksBody>(`/api/v1/blocks?${params.toString()}`);
    if (r.status === 404) return {};
    if (r.status !== 200 || !isList(r.body.recent))
      throw new SourceError(
        `the collector's /api/v1/blocks answered ${r.status}: ${r.body.message ?? 'not a blocks list'}`,
      );
    return stacksInWindow(r.body, q.fromMs, q.toMs);
  }
}
