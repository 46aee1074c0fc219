/**
 * Panels the fleet, instance and k6 dashboards share, built for a label
 * filter (`job=~"$job"`, `instance="$instance"`, ...): the same query shape
 * in one place, each dashboard passing its own filter, title and options.
 */
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../k6-metrics.js';
import { bucket } from '../metrics.js';
import { quantile, sel } from '../promql.js';
import { heatmapPanel, timeseriesPanel, type PanelOptions } from './panels.js';

/** Label matchers every query of a panel is restricted to. */
export type Filter = readonly string[];

/** Grafana's rate window for every rate and increase. */
export const RATE_WINDOW = '$__rate_interval';

/** p50 and p99 over every selected process, from the histogram's buckets. */
export function percentilesPanel(title: string, histogram: string, f: Filter, o: PanelOptions) {
  return timeseriesPanel(
    title,
    [
      { expr: quantile(0.5, histogram, [], RATE_WINDOW, ...f), legend: 'p50' },
      { expr: quantile(0.99, histogram, [], RATE_WINDOW, ...f), legend: 'p99' },
    ],
    o,
  );
}

/** One line per value of `label`: the gauge summed over the selected processes. */
export function byLabelPanel(
  title: string,
  gauge: string,
  label: string,
  f: Filter,
  o: PanelOptions,
) {
  return timeseriesPanel(
    title,
    [{ expr: `sum by (${label}) (${sel(gauge, ...f)})`, legend: `{{${label}}}` }],
    o,
  );
}

/** How many samples fell in each bucket, over every selected process. */
export function distributionPanel(title: string, histogram: string, f: Filter, o: PanelOptions) {
  return heatmapPanel(
    title,
    {
      expr: `sum by (le) (increase(${sel(bucket(histogram), ...f)}[${RATE_WINDOW}]))`,
      legend: '{{le}}',
    },
    o,
  );
}

/** k6's request p99 (by request name, for the selected test run) beside a histogram's p99 by job. */
export function k6VersusPanel(
  title: string,
  histogram: string,
  what: string,
  f: Filter,
  o: PanelOptions,
) {
  const name = `{{${K6_NAME_LABEL}}}`;
  const run = `${K6_TESTID_LABEL}=~"$${K6_TESTID_LABEL}"`;
  return timeseriesPanel(
    title,
    [
      {
        expr: `max by (${K6_NAME_LABEL}) (${sel(K6.httpReqDurationP99, run)})`,
        legend: `k6 p99 ${name}`,
      },
      { expr: quantile(0.99, histogram, ['job'], RATE_WINDOW, ...f), legend: `${what} {{job}}` },
    ],
    o,
  );
}

/** A histogram's p99 per value of `label`, over every selected process. */
export function p99ByLabelPanel(
  title: string,
  histogram: string,
  label: string,
  f: Filter,
  o: PanelOptions,
) {
  return timeseriesPanel(
    title,
    [{ expr: quantile(0.99, histogram, [label], RATE_WINDOW, ...f), legend: `{{${label}}}` }],
    o,
  );
}
