import type { MetricType } from './model.js';

/**
 * Types of k6's built-in metrics. `--out json` declares every metric's type
 * in its Metric lines; CSV does not, so the CSV reader looks them up here.
 */
export const BUILTIN_METRIC_TYPES: Readonly<Record<string, MetricType>> = {
  vus: 'gauge',
  vus_max: 'gauge',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  http_reqs: 'counter',
  grpc_reqs: 'counter',
  ws_msgs_sent: 'counter',
  ws_msgs_received: 'counter',
  ws_sessions: 'counter',
  checks: 'rate',
  http_req_failed: 'rate',
  iteration_duration: 'trend',
  group_duration: 'trend',
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  grpc_req_duration: 'trend',
  ws_connecting: 'trend',
  ws_session_duration: 'trend',
  ws_ping: 'trend',
};

/** The metric k6 adds requests' outcome to, and the ones that count them. */
export const K6 = {
  latency: 'http_req_duration',
  requests: 'http_reqs',
  failed: 'http_req_failed',
  dropped: 'dropped_iterations',
  iterations: 'iterations',
  vus: 'vus',
  checks: 'checks',
} as const;
