import { durationMs } from '@loopscope/collector/prometheus-duration';
import { LABEL, PROM } from '@loopscope/collector/promql';
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
import {
  BLOCK_CAUSES,
  noCauseMs,
  type BlockCause,
  type CpuPressure,
  type StallTime,
} from './stall-causes.js';

const name = {
  delay: PROM.eventloopDelay,
  delayMax: PROM.eventloopDelayMax,
  utilization: PROM.eventloopUtilization,
  pool: PROM.threadpoolQueueDelay,
  resources: PROM.resourceActive,
  pending: PROM.threadpoolPending,
  blocks: PROM.eventloopBlocks,
  blockTime: PROM.eventloopBlockTime,
  cpuWait: PROM.mainthreadCpuWait,
  throttledTime: PROM.cgroupCpuThrottledTime,
  throttledPeriods: PROM.cgroupCpuThrottledPeriods,
  periods: PROM.cgroupCpuPeriods,
};

/**
 * A counter's increase over the `spanSec` before the evaluation time, summed
 * (by `by` when given); a series born inside the window counts from 0 (its
 * earlier value is taken as 0, as increase() cannot).
 */
export function windowIncrease(series: string, spanSec: number, by?: string): string {
  return `sum${by ? ` by (${by})` : ''}(${series} - ((${series} offset ${spanSec}s) * 1 or ${series} * 0))`;
}

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
  /**
   * rate()/quantile window, e.g. `30s`; default: four times the longest scrape interval, or the
   * samples' own spacing when the database is fed by remote write (at least 4 s), else 1m.
   */
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

  /**
   * Four sample intervals, so rate() always sees at least two samples: the
   * longest scrape interval, or, for a database fed by remote write (no
   * targets), the median spacing of the agents' own samples in the run.
   * 1m when neither is known.
   */
  private async autoWindow(q: ServerQuery): Promise<string> {
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
      const interval = longest > 0 ? longest : await this.sampleSpacingMs(q);
      return interval !== undefined ? `${Math.max(4000, Math.round(interval * 4))}ms` : '1m';
    } catch (err) {
      if (err instanceof SourceError && /cannot reach/.test(err.message)) throw err;
      return '1m';
    }
  }

  /** Median gap between the samples of the job's loop-delay count in the run, ms. */
  private async sampleSpacingMs(q: ServerQuery): Promise<number | undefined> {
    const sel = `job="${escapeLabel(q.job)}"${q.instance ? `,instance="${escapeLabel(q.instance)}"` : ''}`;
    const spanSec = Math.max(1, Math.ceil((q.toMs - q.fromMs) / 1000));
    const params = new URLSearchParams({
      query: `${name.delay}_count{${sel}}[${spanSec}s]`,
      time: String(q.toMs / 1000),
    });
    const data = await this.api<Matrix>(`/api/v1/query?${params.toString()}`);
    const gaps = data.result.flatMap((series) =>
      series.values.slice(1).map(([t], i) => (t - series.values[i]![0]) * 1000),
    );
    if (gaps.length === 0) return undefined;
    gaps.sort((a, b) => a - b);
    return gaps[gaps.length >> 1];
  }

  async fetch(q: ServerQuery): Promise<ServerData> {
    const window = this.opts.window ?? (await this.autoWindow(q));
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
    // The agent's counters over the window: stalls, stall time by cause, CPU pressure.
    const spanSec = Math.max(1, end - start);
    const instant = async (query: string) =>
      (
        await this.api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?${new URLSearchParams({ query, time: String(end) }).toString()}`,
        )
      ).result;
    const scalar = async (series: string): Promise<number | null> => {
      const v = Number((await instant(windowIncrease(series, spanSec)))[0]?.value[1] ?? NaN);
      return Number.isFinite(v) ? v : null;
    };
    const stallsCounted = (await scalar(`${name.blocks}${sel}`)) ?? 0;
    const byCause = noCauseMs();
    const causeRows = await instant(
      windowIncrease(`${name.blockTime}${sel}`, spanSec, LABEL.blockCause),
    );
    for (const row of causeRows) {
      const cause = row.metric[LABEL.blockCause];
      const v = Number(row.value[1]);
      if (
        cause !== undefined &&
        (BLOCK_CAUSES as readonly string[]).includes(cause) &&
        Number.isFinite(v)
      )
        byCause[cause as BlockCause] += v * 1000;
    }
    const stallTime: StallTime | undefined =
      causeRows.length > 0 ? { byCause, from: 'counter' } : undefined;
    const cpuWait = await scalar(`${name.cpuWait}${sel}`);
    const throttled = await scalar(`${name.throttledTime}${sel}`);
    const throttledPeriods = await scalar(`${name.throttledPeriods}${sel}`);
    const periods = await scalar(`${name.periods}${sel}`);
    const cpuPressure: CpuPressure | undefined =
      cpuWait !== null || throttled !== null
        ? {
            cpuWaitMs: cpuWait === null ? null : cpuWait * 1000,
            throttledMs: throttled === null ? null : throttled * 1000,
            throttledShare:
              throttledPeriods !== null && periods !== null && periods > 0
                ? throttledPeriods / periods
                : null,
            windowMs: spanSec * 1000,
          }
        : undefined;
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
      stallsCounted: Math.round(stallsCounted),
      ...(stallTime ? { stallTime } : {}),
      ...(cpuPressure ? { cpuPressure } : {}),
      warnings,
    };
  }
}
