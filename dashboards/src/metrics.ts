/**
 * Prometheus names of everything the dashboards and rules query, derived from
 * the agent's single source of names (`@loopscope/agent/names`) with the
 * collector's conversion, plus the collector's own metric names. Nothing here
 * types a metric name: a rename in names.ts flows into every panel and rule.
 */
import { ATTR, METRICS } from '@loopscope/agent/names';
import { COLLECTOR_METRICS } from '@loopscope/collector';
import { promNameOf, sanitizeLabel } from '@loopscope/collector/prometheus-name';

type MetricKey = keyof typeof METRICS;

/** Family name of every agent metric as Prometheus sees it (histograms: the base name). */
export const PROM = Object.fromEntries(
  Object.entries(METRICS).map(([key, def]) => [key, promNameOf(def)]),
) as Record<MetricKey, string>;

/** Attribute keys as Prometheus label names. */
export const LABEL = Object.fromEntries(
  Object.entries(ATTR).map(([key, attr]) => [key, sanitizeLabel(attr)]),
) as Record<keyof typeof ATTR, string>;

/** The collector's own metrics (`reason` label on drops; `job`/`instance` on sender liveness). */
export const COLLECTOR = COLLECTOR_METRICS;

/** `nodejs.eventloop.state` value the agent reports for time spent running callbacks. */
export const LOOP_STATE_ACTIVE = 'active';

export const bucket = (histogram: string): string => `${histogram}_bucket`;
export const sum = (histogram: string): string => `${histogram}_sum`;
export const count = (histogram: string): string => `${histogram}_count`;
