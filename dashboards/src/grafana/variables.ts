/** Template variables shared by the dashboards. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { COLLECTOR } from '../metrics.js';
import { DATASOURCE } from './panels.js';

export const datasourceVariable = (): dashboard.DatasourceVariableBuilder =>
  new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');

/**
 * A label of the senders the collector knows (`job`, `instance`), read from
 * the per-sender liveness series so stale and expired senders drop out.
 */
export function senderVariable(
  label: 'job' | 'instance',
  opts: { multi: boolean; filter?: string },
): dashboard.QueryVariableBuilder {
  const series = opts.filter
    ? `${COLLECTOR.senderLastSeen}{${opts.filter}}`
    : COLLECTOR.senderLastSeen;
  const query = `label_values(${series}, ${label})`;
  const v = new dashboard.QueryVariableBuilder(label)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(opts.multi)
    .includeAll(opts.multi);
  if (opts.multi) v.allValue('.*');
  return v;
}

/** A variable over any label of any series (the k6 `testid`). */
export function labelVariable(name: string, series: string): dashboard.QueryVariableBuilder {
  const query = `label_values(${series}, ${name})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(name)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .multi(false)
    .includeAll(false);
}

/** The data source, job and instance variables (instance filtered by the chosen jobs). */
export function withSenderVariables(
  b: dashboard.DashboardBuilder,
  multi: boolean,
  jobFilter: string,
): dashboard.DashboardBuilder {
  return b
    .withVariable(datasourceVariable())
    .withVariable(senderVariable('job', { multi }))
    .withVariable(senderVariable('instance', { multi, filter: jobFilter }));
}
