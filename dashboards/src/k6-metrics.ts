/**
 * k6's own metric names as its Prometheus remote-write output
 * (`-o experimental-prometheus-rw`) writes them: `k6_` prefix, `_total` on
 * counters, `_rate` on rates, one series per trend statistic listed in
 * K6_PROMETHEUS_RW_TREND_STATS (durations in seconds). These are k6's names,
 * not loopscope's, so they live here and nowhere else.
 */
export const K6 = {
  /** Needs `p(99)` in K6_PROMETHEUS_RW_TREND_STATS. */
  httpReqDurationP99: 'k6_http_req_duration_p99',
  /** Needs `p(95)` in K6_PROMETHEUS_RW_TREND_STATS. */
  httpReqDurationP95: 'k6_http_req_duration_p95',
  httpReqs: 'k6_http_reqs_total',
  httpReqFailed: 'k6_http_req_failed_rate',
  vus: 'k6_vus',
  /** VUs allocated so far: what an arrival-rate executor has had to start. */
  vusMax: 'k6_vus_max',
  droppedIterations: 'k6_dropped_iterations_total',
} as const;

/** Tag set on every k6 sample by `k6 run --tag testid=...`; the dashboard filters on it. */
export const K6_TESTID_LABEL = 'testid';
/** Tag k6 sets from a request's `name` (the scripts name every request). */
export const K6_NAME_LABEL = 'name';

/** The trend statistics the k6 dashboard needs (value for K6_PROMETHEUS_RW_TREND_STATS). */
export const K6_TREND_STATS = 'p(95),p(99),min,max,avg';
