import {
  LATENCY_CANDIDATES,
  requestCounterFor,
  type ClientResult,
  type GroupStats,
} from '../stats/client.js';
import type { Distribution } from '../stats/sketch.js';
import { K6 } from './builtin.js';
import type { RunSummary, SummaryMetric } from './model.js';

function latencyOf(m: SummaryMetric | undefined): Partial<Distribution> | null {
  if (!m) return null;
  const v = m.values;
  const out: Partial<Distribution> = {};
  const put = (key: keyof Distribution, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  put('count', v.count);
  put('avg', v.avg);
  put('min', v.min);
  put('p50', v.med ?? v['p(50)']);
  put('p90', v['p(90)']);
  put('p95', v['p(95)']);
  put('p99', v['p(99)']);
  put('max', v.max);
  return out;
}

/** `http_req_duration{name:ok}` -> `ok` when the submetric selects exactly one tag `tag`. */
function submetricKey(name: string, metric: string, tag: string): string | undefined {
  const m = new RegExp(`^${metric}\\{${tag}:([^,}]*)\\}$`).exec(name);
  return m?.[1];
}

/**
 * A client result from a summary file: whole-run numbers only, no timeline.
 * Per-name and per-scenario rows come from submetrics such as
 * `http_req_duration{name:ok}`, when the script defined thresholds on them.
 */
export function clientFromSummary(summary: RunSummary, chosen?: string): ClientResult {
  const byName = new Map(summary.metrics.map((m) => [m.name, m]));
  const latencyMetric = chosen ?? LATENCY_CANDIDATES.find((c) => byName.has(c)) ?? K6.latency;
  const durationSec = (summary.durationMs ?? 0) / 1000;
  const requestsMetric = byName.get(requestCounterFor(latencyMetric));
  const failed = byName.get(K6.failed);
  const latency = byName.get(latencyMetric);
  const requests = requestsMetric?.values.count ?? latency?.values.count ?? 0;
  const errors = failed?.values.passes ?? 0;
  const overall: GroupStats = {
    key: 'all',
    requests,
    rps: requestsMetric?.values.rate ?? (durationSec > 0 ? requests / durationSec : 0),
    errors,
    errorRate: failed?.values.rate ?? (requests > 0 ? errors / requests : 0),
    latency: latencyOf(latency),
  };
  const groups = (tag: string): GroupStats[] =>
    summary.metrics.flatMap((m) => {
      const key = submetricKey(m.name, latencyMetric, tag);
      if (key === undefined) return [];
      const count = m.values.count ?? 0;
      const f = byName.get(`${K6.failed}{${tag}:${key}}`);
      return [
        {
          key,
          requests: count,
          rps: durationSec > 0 ? count / durationSec : 0,
          errors: f?.values.passes ?? 0,
          errorRate: f?.values.rate ?? 0,
          latency: latencyOf(m),
        },
      ];
    });
  return {
    summary,
    latencyMetric,
    ...(summary.startMs !== undefined ? { startMs: summary.startMs } : {}),
    ...(summary.endMs !== undefined ? { endMs: summary.endMs } : {}),
    resolutionMs: null,
    timeline: [],
    overall,
    byScenario: groups('scenario'),
    byName: groups('name'),
  };
}
