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
