/** Small builders for decoded exports, for store and exposition unit tests. */
import type {
  Attributes,
  DecodedMetric,
  HistogramPoint,
  NumberPoint,
  ResourceMetrics,
  Temporality,
} from '../../src/otlp/model.js';
import { MetricStore, type StoreOptions } from '../../src/store/store.js';
import { prometheusNaming } from '../../src/prometheus/store-naming.js';

export const T0 = 1_700_000_000_000;

export function storeWith(options: Partial<StoreOptions> = {}): MetricStore {
  const promote = options.promoteResourceAttributes ?? [];
  return new MetricStore({
    expireAfterMs: 60_000,
    maxSeries: 1000,
    maxCardinality: 100,
    rollup: 'none',
    promoteResourceAttributes: promote,
    naming: prometheusNaming(promote),
    ...options,
  });
}

export function rm(
  instance: string,
  metrics: DecodedMetric[],
  job = 'shop/api',
  extra: Attributes = {},
): ResourceMetrics {
  const [namespace, name] = job.includes('/') ? job.split('/') : [undefined, job];
  return {
    sender: {
      job,
      instance,
      attributes: {
        'service.name': name,
        ...(namespace ? { 'service.namespace': namespace } : {}),
        'service.instance.id': instance,
        ...extra,
      },
    },
    metrics,
  };
}

export function num(
  value: number,
  timeMs: number,
  startTimeMs = T0,
  attributes: Attributes = {},
): NumberPoint {
  return { value, timeMs, startTimeMs, attributes };
}

export function counter(
  name: string,
  points: NumberPoint[],
  temporality: Temporality = 'cumulative',
  unit = '{request}',
): DecodedMetric {
  return { type: 'sum', name, unit, description: 'd', monotonic: true, temporality, points };
}

export function gauge(name: string, points: NumberPoint[], unit = '1'): DecodedMetric {
  return { type: 'gauge', name, unit, description: 'd', points };
}

export function hist(
  bucketCounts: number[],
  timeMs: number,
  startTimeMs = T0,
  bounds = [0.1, 1],
  attributes: Attributes = {},
): HistogramPoint {
  const count = bucketCounts.reduce((a, b) => a + b, 0);
  return { bucketCounts, bounds, count, sum: count / 2, timeMs, startTimeMs, attributes };
}

export function histogram(
  name: string,
  points: HistogramPoint[],
  temporality: Temporality = 'cumulative',
): DecodedMetric {
  return { type: 'histogram', name, unit: 's', description: 'd', temporality, points };
}

/** The stored value of one series of a sender, found by family name and label text. */
export function valueOf(
  store: MetricStore,
  instance: string,
  family: string,
  labels = '',
): number | undefined {
  for (const s of store.allSeries()) {
    if (s.sender.instance === instance && s.family.name === family && stripJob(s) === labels) {
      return s.histogram ? s.histogram.count : s.value;
    }
  }
  return undefined;
}

function stripJob(s: { attributes: Attributes }): string {
  return Object.entries(s.attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}
