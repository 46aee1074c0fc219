import { METRICS } from '@loopscope/agent/names';
import { durationMs } from '@loopscope/collector/prometheus-duration';
import { promNameOf } from '@loopscope/collector/prometheus-name';
import { SourceError } from '../errors.js';
import { baseUrl, getJson } from './http.js';
import {
  emptySignals,
  SIGNALS,
  type Point,
  type ServerData,
  type ServerQuery,
  type ServerSource,
  type SignalKey,
} from './source.js';

const name = {
  delay: promNameOf(METRICS.eventloopDelay),
  delayMax: promNameOf(METRICS.eventloopDelayMax),
  utilization: promNameOf(METRICS.eventloopUtilization),
  pool: promNameOf(METRICS.threadpoolQueueDelay),
  resources: promNameOf(METRICS.resourceActive),
  pending: promNameOf(METRICS.threadpoolPending),
  blocks: promNameOf(METRICS.eventloopBlocks),
};

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The PromQL for each signal: per instance, then the worst instance, so a
 * fleet's one bad pod is not averaged away. Delays come out in ms.
 */
export function signalQueries(
  job: string,
  instance: string | undefined,
  window: string,
): Record<SignalKey, string> {
  const sel = `job="${escapeLabel(job)}"${instance ? `,instance="${escapeLabel(instance)}"` : ''}`;
  const p99 = (hist: string) =>
    `max(histogram_quantile(0.99, sum by (instance, le) (rate(${hist}_bucket{${sel}}[${window}])))) * 1000`;
  return {
    loopDelayP99: p99(name.delay),
    loopDelayMax: `max(max_over_time(${name.delayMax}{${sel}}[${window}])) * 1000`,
    utilization: `max(avg_over_time(${name.utilization}{${sel}}[${window}]))`,
    poolDelayP99: p99(name.pool),
    activeResources: `max(sum by (instance) (${name.resources}{${sel}}))`,
    poolPending: `max(sum by (instance) (${name.pending}{${sel}}))`,
  };
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}
interface Matrix {
  resultType: string;
  result: { metric: Record<string, string>; values: [number, string][] }[];
}

export interface PrometheusOptions {
  /** rate()/quantile window, e.g. `30s`; default: four times the longest scrape interval (at least 4 s), or 1m. */
  window?: string;
}

/** Reads the signals with `query_range` over the run's window. */
export class PrometheusSource implements ServerSource {
  readonly kind = 'prometheus' as const;
  readonly url: string;

  constructor(
    url: string,
    private readonly opts: PrometheusOptions = {},
  ) {
    this.url = baseUrl('Prometheus', url);
  }

  private async api<T>(path: string): Promise<T> {
    const { status, body } = await getJson<PromResponse<T>>('Prometheus', this.url + path);
    if (body.status !== 'success')
      throw new SourceError(`Prometheus ${status}: ${body.error ?? 'error'} (${path})`);
    return body.data;
  }

  /** Four scrape intervals, so rate() always sees at least two samples. */
  private async autoWindow(): Promise<string> {
    try {
      const data = await this.api<{ activeTargets: { scrapeInterval?: string }[] }>(
        '/api/v1/targets?state=active',
      );
      const longest = Math.max(
        0,
        ...data.activeTargets
          .map((t) => durationMs(t.scrapeInterval ?? '') ?? NaN)
          .filter((n) => n > 0),
      );
      return longest > 0 ? `${Math.max(4000, longest * 4)}ms` : '1m';
    } catch (err) {
      if (err instanceof SourceError && /cannot reach/.test(err.message)) throw err;
      return '1m';
    }
  }

  async fetch(q: ServerQuery): Promise<ServerData> {
    const window = this.opts.window ?? (await this.autoWindow());
    const queries = signalQueries(q.job, q.instance, window);
    const step = Math.max(1, Math.round(q.stepMs / 1000));
    // Prometheus evaluates at the step's end: pad so the first bucket has a value.
    const start = Math.floor(q.fromMs / 1000);
    const end = Math.ceil(q.toMs / 1000) + step;
    const signals = emptySignals();
    for (const key of SIGNALS) {
      const params = new URLSearchParams({
        query: queries[key],
        start: String(start),
        end: String(end),
        step: String(step),
      });
      const data = await this.api<Matrix>(`/api/v1/query_range?${params.toString()}`);
      const points: Point[] = [];
      for (const series of data.result)
        for (const [t, v] of series.values) {
          const n = Number(v);
          if (Number.isFinite(n)) points.push({ t: t * 1000, v: n });
        }
      signals[key] = points.sort((a, z) => a.t - z.t);
    }
    const sel = `{job="${escapeLabel(q.job)}"${q.instance ? `,instance="${escapeLabel(q.instance)}"` : ''}}`;
    // /api/v1/series answers with the label sets themselves.
    const labelSets = await this.api<Record<string, string>[]>(
      `/api/v1/series?${new URLSearchParams({ 'match[]': `${name.utilization}${sel}`, start: String(start), end: String(end) }).toString()}`,
    );
    const instances = [...new Set(labelSets.map((s) => s.instance ?? ''))].filter(Boolean).sort();
    // The agent's stall counter over the window; a series born inside the
    // window counts from 0 (its earlier value is taken as 0, as increase() cannot).
    const blocks = `${name.blocks}${sel}`;
    const spanSec = Math.max(1, end - start);
    const counted = await this.api<{ result: { value: [number, string] }[] }>(
      `/api/v1/query?${new URLSearchParams({ query: `sum(${blocks} - ((${blocks} offset ${spanSec}s) * 1 or ${blocks} * 0))`, time: String(end) }).toString()}`,
    );
    const stallsCounted = Number(counted.result[0]?.value[1] ?? 0);
    const warnings: string[] = [];
    if (instances.length === 0)
      warnings.push(
        `Prometheus has no series for job "${q.job}" in the run's window: check --job and that Prometheus scrapes the collector`,
      );
    return {
      source: 'prometheus',
      url: this.url,
      job: q.job,
      instances,
      signals,
      rateWindow: window,
      ...(Number.isFinite(stallsCounted) ? { stallsCounted: Math.round(stallsCounted) } : {}),
      warnings,
    };
  }
}
