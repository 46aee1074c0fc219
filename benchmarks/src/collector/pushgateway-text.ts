/**
 * The same export as Prometheus text, for Pushgateway: the loopscope
 * collector's own conversion of it (names, units, buckets as Prometheus
 * expects), without the job and instance labels, which Pushgateway takes
 * from the push URL's grouping key instead.
 */
import {
  DEFAULT_CONFIG,
  decodeMetricsExport,
  MetricStore,
  prometheusNaming,
  renderStore,
} from '@loopscope/collector';
import type { Template } from './export-template.js';

export function pushText(t: Template): string {
  const store = new MetricStore({
    expireAfterMs: DEFAULT_CONFIG.expireAfterMs,
    maxSeries: DEFAULT_CONFIG.maxSeries,
    maxCardinality: DEFAULT_CONFIG.maxCardinality,
    rollup: 'none',
    promoteResourceAttributes: [],
    naming: prometheusNaming([]),
  });
  const decoded = decodeMetricsExport(t.body, 'protobuf');
  store.ingest(decoded.resourceMetrics, Date.now(), decoded.rejections);
  return renderStore(store, false)
    .replace(/(job|instance)="[^"]*",?/g, '')
    .replace(/,\}/g, '}')
    .replace(/\{\}/g, '');
}
