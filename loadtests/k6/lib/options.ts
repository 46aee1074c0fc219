import type { Options, Scenario, Threshold } from 'k6/options';
import { envNumber, P95_MS, P99_MS, testId } from './config.ts';

export interface ScriptOptions {
  /** Script name, used in the test id and the summary path. */
  script: string;
  scenarios: Record<string, Scenario>;
  /** Largest acceptable count of dropped iterations (arrival-rate backlog); `MAX_DROPPED` overrides. */
  maxDropped?: number;
  /** Extra thresholds, e.g. per-endpoint latency with `{name:...}` submetrics. */
  thresholds?: Record<string, Threshold[]>;
  /** Stop the run at the first breach of latency or dropped iterations (the ramp's break point). */
  abortAtBreak?: boolean;
}

/**
 * Options shared by every script: arrival-rate scenarios only (so a stalled
 * server shows as latency and dropped_iterations instead of silently fewer
 * requests), a test-wide `testid` tag, p95/p99 and dropped-iterations
 * thresholds, and the trend stats the analysis reads.
 */
export function buildOptions(o: ScriptOptions): Options {
  const gate = (expr: string): Threshold =>
    o.abortAtBreak ? { threshold: expr, abortOnFail: true, delayAbortEval: '10s' } : expr;
  const maxDropped = envNumber('MAX_DROPPED', o.maxDropped ?? 0);
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
      http_req_duration: [gate(`p(95)<${P95_MS}`), gate(`p(99)<${P99_MS}`)],
      http_req_failed: ['rate<0.01'],
      dropped_iterations: [gate(`count<=${maxDropped}`)],
      ...o.thresholds,
    },
  };
}
