export * from './self-metric-names.js';
export * from './prometheus/name.js';
export type * from './otlp/model.js';
export { decodeMetricsRequest, decodeMetricsExport } from './otlp/metrics.js';
export { DEFAULT_DECODE_LIMITS, type DecodedExport, type DecodeLimits } from './otlp/decode.js';
export { OtlpDecodeError } from './otlp/errors.js';
export type { OtlpEncoding } from './otlp/wire.js';
export { Rejections } from './rejections.js';
export { buildApp, type BuildOptions } from './app.js';
export { ConfigError, DEFAULT_CONFIG, normalizeConfig, type CollectorConfig } from './config.js';
export type { CollectorContext } from './context.js';
export { MetricStore, type IngestResult, type StoreOptions } from './store/store.js';
export { prometheusNaming } from './prometheus/store-naming.js';
export type { FamilyType, StoreNaming } from './store/naming.js';
export type { FamilyView, HistogramState, SenderView, SeriesView } from './store/views.js';
export {
  renderStore,
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
} from './prometheus/exposition.js';
export { acceptMetrics } from './plugins/otlp-metrics.js';
export { registerOtlpRoute, type IngestSettings, type OtlpRoute } from './ingest/route.js';
export { IngestError, INGEST_ERRORS, type IngestErrorCode } from './ingest/errors.js';
export type { PartialSuccess } from './ingest/response.js';
export type { InstancesResponse, SeriesResponse } from './api/routes.js';
export type { InstanceSummary, Liveness, ServiceSummary } from './history/history.js';
export type { Column } from './history/chart-series.js';
export type { BlocksReplica, BlocksResponse, BlocksStack } from './api/blocks.js';
export type { BlockTotals } from './query/blocks.js';
export type { BlockFrame } from './otlp/block-model.js';
export type { StoredEvent } from './store/blocks.js';
export type { BusyResponse } from './api/busy.js';
export type { BusyCulprit } from './store/busy-culprits.js';
export type { StoredBusyEvent } from './store/busy.js';
export { MAX_LIMIT as BLOCKS_MAX_LIMIT } from './api/blocks-query.js';
export { Converter, type Chunk } from './remote-write/convert.js';
