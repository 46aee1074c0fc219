/**
 * An in-memory MeterProvider for unit tests: the real SDK aggregating into
 * an InMemoryMetricExporter, collected on demand.
 */
import type { TestContext } from 'node:test';
import type { Meter } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { SCOPE_NAME } from '../../src/names.js';

export interface MemoryMetrics {
  readonly meter: Meter;
  /** Collects now and returns every metric of this collection. */
  collect(): Promise<MetricData[]>;
}

export function memoryMetrics(t: TestContext): MemoryMetrics {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Never fires on its own: tests collect explicitly with forceFlush().
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 2 ** 30 });
  const provider = new MeterProvider({ readers: [reader] });
  t.after(() => provider.shutdown());
  return {
    meter: provider.getMeter(SCOPE_NAME),
    async collect() {
      exporter.reset();
      await reader.forceFlush();
      return exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    },
  };
}

export function find(metrics: readonly MetricData[], name: string): MetricData {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (!metric)
    throw new Error(
      `metric ${name} not collected; got ${metrics.map((m) => m.descriptor.name).join(', ')}`,
    );
  return metric;
}

/** The value of a gauge/sum point with the given attributes. */
export function value(metric: MetricData, attrs: Readonly<Record<string, string>> = {}): number {
  const point = pointWith(metric, attrs);
  if (typeof point.value !== 'number')
    throw new Error(`${metric.descriptor.name} is not a number metric`);
  return point.value;
}

export function histogram(
  metric: MetricData,
  attrs: Readonly<Record<string, string>> = {},
): Histogram {
  if (metric.dataPointType !== DataPointType.HISTOGRAM) {
    throw new Error(`${metric.descriptor.name} is not a histogram`);
  }
  return pointWith(metric, attrs).value as Histogram;
}

function pointWith(
  metric: MetricData,
  attrs: Readonly<Record<string, string>>,
): DataPoint<unknown> {
  const point = (metric.dataPoints as DataPoint<unknown>[]).find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
  if (!point)
    throw new Error(`${metric.descriptor.name} has no point with ${JSON.stringify(attrs)}`);
  return point;
}
