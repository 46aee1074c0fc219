/**
 * Where the JSON API gets its answers: the in-process history (the default)
 * or a Prometheus-compatible database (`--query-url`). Both give the same
 * shapes, so the UI and `loopscope-analyze --collector` never know which.
 */
import type { History, ServiceSummary } from '../history/history.js';
import { SERIES, type Column } from '../history/chart-series.js';
import type { SeriesQuery } from './series-query.js';

export interface FleetView {
  readonly windowMs: number;
  readonly rankWindowMs: number;
  readonly maxInstances: number;
  readonly untrackedInstances: number;
  readonly services: readonly ServiceSummary[];
}

export interface SeriesView {
  readonly unit: string;
  /** Time of each row, ms since the epoch. */
  readonly t: readonly number[];
  readonly series: readonly Column[];
}

export interface FleetReader {
  /** How far back `/api/v1/series` reaches by default. */
  readonly windowMs: number;
  /** `memory`: this process's history; `database`: PromQL against --query-url. */
  readonly source: 'memory' | 'database';
  fleet(nowMs: number): Promise<FleetView>;
  /** undefined: the instance is unknown (not heard from within the window). */
  series(query: SeriesQuery): Promise<SeriesView | undefined>;
}

/** The default reader: the bounded in-process history fed by this collector's exports. */
export function historyReader(history: History): FleetReader {
  const o = history.options;
  return {
    windowMs: o.windowMs,
    source: 'memory',
    fleet: (nowMs) =>
      Promise.resolve({
        windowMs: o.windowMs,
        rankWindowMs: o.rankWindowMs,
        maxInstances: o.maxInstances,
        untrackedInstances: history.untrackedCount(nowMs),
        services: history.services(nowMs),
      }),
    series: ({ job, instance, metric, fromMs, toMs }) => {
      const samples = history.samples(job, instance, fromMs, toMs);
      if (!samples) return Promise.resolve(undefined);
      const def = SERIES[metric];
      return Promise.resolve({
        unit: def?.unit ?? '',
        t: samples.map((s) => s.t),
        series: def?.columns(samples) ?? [],
      });
    },
  };
}
