import type { Options, Scenario, Threshold } from 'k6/options';
import { P95_MS, P99_MS, testId } from './config.ts';

export interface ScriptOptions {
  /** Script name, used in the test id and the summary path. */
  script: string;
  scenarios: Record<string, Scenario>;
  /** Largest acceptable count of dropped iterations (arrival-rate backlog). */
  maxDropped?: number;
  /** Extra thresholds, e.g. per-endpoint latency with `{name:...}` submetrics. */
  thresholds?: Record<string, Threshold[]>;
  /** Stop the run at the first latency breach (used by the ramp to find the break point). */
  abortOnLatency?: boolean;
}

/**
 * Options shared by every script: arrival-rate scenarios only (so a stalled
 * server shows as latency and dropped_iterations instead of silently fewer
 * requests), a test-wide `testid` tag, p95/p99 and dropped-iterations
 * thresholds, and the trend stats the analysis reads.
 */
export function buildOptions(o: ScriptOptions): Options {
  const latency = (expr: string): Threshold =>
    o.abortOnLatency ? { threshold: expr, abortOnFail: true, delayAbortEval: '10s' } : expr;
  return {
    scenarios: o.scenarios,
    tags: { testid: testId(o.script) },
    // k6 would otherwise tag each request with its full URL; `name` is set per request.
    systemTags: [
      'status',
      'method',
      'name',
      'scenario',
      'group',
      'check',
      'error',
      'error_code',
      'expected_response',
    ],
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    thresholds: {
      http_req_duration: [latency(`p(95)<${P95_MS}`), latency(`p(99)<${P99_MS}`)],
      http_req_failed: ['rate<0.01'],
      dropped_iterations: [`count<=${o.maxDropped ?? 0}`],
      ...o.thresholds,
    },
  };
}
