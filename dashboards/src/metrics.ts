/**
 * Prometheus names of everything the dashboards and rules query, derived from
 * the agent's single source of names (`@loopscope/agent/names`) with the
 * collector's conversion, plus the collector's own metric names. Nothing here
 * types a metric name: a rename in names.ts flows into every panel and rule.
 */
import { COLLECTOR_METRICS } from '@loopscope/collector';

/** Agent families, label names and histogram suffixes: declared once in the collector, for every query. */
export { LABEL, LOOP_STATE_ACTIVE, PROM, bucket, count, sum } from '@loopscope/collector/promql';

/** The collector's own metrics (`reason` label on drops; `job`/`instance` on sender liveness). */
export const COLLECTOR = COLLECTOR_METRICS;
