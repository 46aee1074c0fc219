/**
 * PromQL builders shared by the dashboards, the rules and the collector's
 * `--query-url` reader, so a fleet p99 is written one way everywhere:
 * quantiles always come from summed bucket rates (never from averaging
 * per-process percentiles).
 */
import { LABEL, LOOP_STATE_ACTIVE, PROM, bucket } from './names.js';

/** `metric{a,b}` with the non-empty matchers (each already `label=~"value"` text). */
export function sel(metric: string, ...matchers: string[]): string {
  const m = matchers.filter((x) => x !== '');
  return m.length ? `${metric}{${m.join(', ')}}` : metric;
}

/** `label="value"` with the value escaped as a PromQL string (user data: job and instance names). */
export function eq(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

const by = (labels: readonly string[]): string =>
  labels.length ? ` by (${labels.join(', ')})` : '';

/** `sum by (labels) (rate(metric{matchers}[window]))`. */
export function sumRate(
  metric: string,
  labels: readonly string[],
  window: string,
  ...matchers: string[]
): string {
  return `sum${by(labels)} (rate(${sel(metric, ...matchers)}[${window}]))`;
}

/** The q-quantile of a histogram family, aggregated over everything but `labels`. */
export function quantile(
  q: number,
  histogram: string,
  labels: readonly string[],
  window: string,
  ...matchers: string[]
): string {
  return `histogram_quantile(${q}, ${sumRate(bucket(histogram), [...labels, 'le'], window, ...matchers)})`;
}

/**
 * Event-loop utilization from the active/idle time counter: exact over the
 * window and aggregatable (time-weighted), unlike averaging the gauge.
 */
export function utilization(
  labels: readonly string[],
  window: string,
  ...matchers: string[]
): string {
  const active = `${LABEL.eventloopState}="${LOOP_STATE_ACTIVE}"`;
  return `${sumRate(PROM.eventloopTime, labels, window, ...matchers, active)} / ${sumRate(PROM.eventloopTime, labels, window, ...matchers)}`;
}
