/**
 * The collector's own Prometheus metrics, declared once for the collector,
 * the dashboard and rule generators and the docs.
 */
export const COLLECTOR_METRICS = {
  exports: 'loopscope_collector_exports_total',
  points: 'loopscope_collector_points_total',
  droppedPoints: 'loopscope_collector_dropped_points_total',
  series: 'loopscope_collector_series',
  senders: 'loopscope_collector_senders',
  expiredSeries: 'loopscope_collector_expired_series_total',
  blocksEvicted: 'loopscope_collector_block_instances_evicted_total',
  senderLastSeen: 'loopscope_sender_last_seen_timestamp_seconds',
  targetInfo: 'target_info',
} as const;

/** `reason` label values of loopscope_collector_dropped_points_total. */
export const DROP_REASONS = [
  'malformed',
  'unauthorized',
  'too_large',
  'out_of_order',
  'type_conflict',
  'cardinality',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** `result` label values of loopscope_collector_exports_total. */
export const EXPORT_RESULTS = [
  'accepted',
  'partial',
  'malformed',
  'unauthorized',
  'too_large',
  'timeout',
  'unsupported',
  'overloaded',
  'unavailable',
  'backlogged',
] as const;
export type ExportResult = (typeof EXPORT_RESULTS)[number];

/** The remote-write output's own metrics (collector/src/remote-write/metrics.ts). */
export const REMOTE_WRITE_METRICS = {
  samples: 'loopscope_collector_remote_write_samples_total',
  requests: 'loopscope_collector_remote_write_requests_total',
  queueBytes: 'loopscope_collector_remote_write_queue_bytes',
  lag: 'loopscope_collector_remote_write_lag_seconds',
} as const;

/** `result` label values of loopscope_collector_remote_write_samples_total. */
export const REMOTE_WRITE_RESULTS = ['sent', 'retried', 'dropped', 'out_of_order'] as const;
export type RemoteWriteResult = (typeof REMOTE_WRITE_RESULTS)[number];
