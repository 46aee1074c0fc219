/**
 * Prometheus names of everything loopscope queries, derived from the agent's
 * single source of names (`@loopscope/agent/names`) with the collector's
 * conversion. The dashboards, the rules and the collector's `--query-url`
 * reader all import these: a rename in names.ts flows into every query.
 */
import { ATTR, METRICS } from '@loopscope/agent/names';
import { promNameOf, sanitizeLabel } from '../prometheus/name.js';

type MetricKey = keyof typeof METRICS;

/** Family name of every agent metric as Prometheus sees it (histograms: the base name). */
export const PROM = Object.fromEntries(
  Object.entries(METRICS).map(([key, def]) => [key, promNameOf(def)]),
) as Record<MetricKey, string>;

/** Attribute keys as Prometheus label names. */
export const LABEL = Object.fromEntries(
  Object.entries(ATTR).map(([key, attr]) => [key, sanitizeLabel(attr)]),
) as Record<keyof typeof ATTR, string>;

/** `nodejs.eventloop.state` value the agent reports for time spent running callbacks. */
export const LOOP_STATE_ACTIVE = 'active';

export const bucket = (histogram: string): string => `${histogram}_bucket`;
export const sum = (histogram: string): string => `${histogram}_sum`;
export const count = (histogram: string): string => `${histogram}_count`;
