/**
 * What every collector plugin receives as its options: the settings and the
 * shared parts. app.ts registers each plugin with `app.register(plugin, ctx)`.
 */
import type { CollectorConfig } from './config.js';
import type { MetricStore } from './store/store.js';
import type { SelfMetrics } from './prometheus/self-metrics.js';
import type { IngestSettings } from './ingest/route.js';
import type { DecodeLimits } from './otlp/decode.js';
import type { PromQueryClient } from './query/client.js';

export interface CollectorContext {
  readonly config: CollectorConfig;
  readonly store: MetricStore;
  readonly selfMetrics: SelfMetrics;
  /** Shared by every OTLP ingest route (registerOtlpRoute). */
  readonly ingest: IngestSettings;
  readonly decodeLimits: DecodeLimits;
  /** This replica's name (--replica-name, default hostname:port) on what stays per replica. */
  readonly replica: string;
  /** The database behind --query-url; undefined = the in-process history answers. */
  readonly query: PromQueryClient | undefined;
}
