/**
 * What every collector plugin receives as its options: the settings and the
 * shared parts. app.ts registers each plugin with `app.register(plugin, ctx)`.
 */
import type { CollectorConfig } from './config.js';
import type { MetricStore } from './store/store.js';
import type { SelfMetrics } from './prometheus/self-metrics.js';
import type { IngestSettings } from './ingest/route.js';
import type { DecodeLimits } from './otlp/decode.js';

export interface CollectorContext {
  readonly config: CollectorConfig;
  readonly store: MetricStore;
  readonly selfMetrics: SelfMetrics;
  /** Shared by every OTLP ingest route (registerOtlpRoute). */
  readonly ingest: IngestSettings;
  readonly decodeLimits: DecodeLimits;
}
