import { COLUMN } from '@loopscope/collector/ui-columns';
import { METRICS } from '@loopscope/agent/names';
import type { InstancesResponse, SeriesResponse } from '@loopscope/collector';
import { SourceError } from '../errors.js';
import { BLOCKS_LIMIT, stacksInWindow, type BlocksBody } from './blocks.js';
import { baseUrl, getJson, isList } from './http.js';
import {
  emptySignals,
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
      warnings,
    };
  }

  /** Stacks from the blocked-loop capture (`/api/v1/blocks`); none from a collector without it. */
  private async blockingStacks(
    q: ServerQuery,
  ): Promise<ReturnType<typeof stacksInWindow> | { stacks?: undefined; warning?: undefined }> {
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
