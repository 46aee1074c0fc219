/**
 * Panel builders with loopscope's conventions: every query on the
 * `$datasource` variable, refIds set (the SDK leaves them unset), legends
 * on, units always given. Panel ids are assigned by `finalize`.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel queries the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{job}} {{instance}}`. */
  readonly legend: string;
}

export interface PanelOptions {
  readonly description?: string;
  readonly unit: string;
  /** Grid width (of 24) and height. */
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  /** Threshold steps drawn as colors (stat) or lines (timeseries). */
  readonly thresholds?: readonly number[];
  readonly stacked?: boolean;
}

const refId = (i: number): string => String.fromCharCode(65 + i);

function targets(queries: readonly Query[], format?: PromQueryFormat, instant = false) {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder()
      .expr(q.expr)
      .legendFormat(q.legend)
      .refId(refId(i))
      .datasource(DATASOURCE);
    if (format) b.format(format);
    if (instant) b.instant();
    else b.range();
    return b;
  });
}

function thresholds(steps: readonly number[] = []): dashboard.ThresholdsConfigBuilder {
  const colors = ['green', 'orange', 'red'];
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([
      { value: null, color: 'green' },
      ...steps.map((value, i) => ({ value, color: colors[Math.min(i + 1, 2)] ?? 'red' })),
    ]);
}

function legend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Bottom)
    .calcs(['mean', 'max', 'lastNotNull']);
}

type Panel = cog.Builder<dashboard.Panel>;

export function timeseriesPanel(title: string, queries: readonly Query[], o: PanelOptions): Panel {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .description(o.description ?? '')
    .datasource(DATASOURCE)
    .targets(targets(queries))
    .unit(o.unit)
    .height(o.h ?? 8)
    .span(o.w ?? 12)
    .legend(legend())
    .fillOpacity(o.stacked ? 30 : 10)
    .thresholds(thresholds(o.thresholds));
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.stacked) p.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return p;
}

export function statPanel(title: string, queries: readonly Query[], o: PanelOptions): Panel {
  const p = new stat.PanelBuilder()
    .title(title)
    .description(o.description ?? '')
    .datasource(DATASOURCE)
    .targets(targets(queries))
    .unit(o.unit)
    .height(o.h ?? 4)
    .span(o.w ?? 6)
    .graphMode(BigValueGraphMode.Area)
    .colorMode(BigValueColorMode.Value)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(o.thresholds));
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  return p;
}

/** A heatmap of `sum by (le) (increase(..._bucket[...]))`, buckets as Prometheus gives them. */
export function heatmapPanel(title: string, query: Query, o: PanelOptions): Panel {
  return new heatmap.PanelBuilder()
    .title(title)
    .description(o.description ?? '')
    .datasource(DATASOURCE)
    .targets(targets([query], PromQueryFormat.Heatmap))
    .height(o.h ?? 8)
    .span(o.w ?? 12)
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(o.unit))
    .showLegend();
}

/** An instant table (e.g. resource attributes from target_info). */
export function tablePanel(title: string, query: Query, o: PanelOptions): Panel {
  return new table.PanelBuilder()
    .title(title)
    .description(o.description ?? '')
    .datasource(DATASOURCE)
    .targets(targets([query], PromQueryFormat.Table, true))
    .unit(o.unit)
    .height(o.h ?? 8)
    .span(o.w ?? 12);
}

export const row = (title: string): dashboard.RowBuilder => new dashboard.RowBuilder(title);
