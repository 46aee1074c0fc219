/** POST /v1/metrics: OTLP/HTTP metrics into the store. */
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import { registerOtlpRoute } from '../ingest/route.js';
import type { PartialSuccess } from '../ingest/response.js';
import { decodeMetricsExport } from '../otlp/metrics.js';
import type { OtlpEncoding } from '../otlp/wire.js';
import type { IngestResult } from '../store/store.js';

/**
 * Decode, store and count one export body; throws OtlpDecodeError for an
 * unreadable body. A body of more points than one slice is stored in
 * slices that let the event loop run between them (a promise is returned).
 */
export function acceptMetrics(
  ctx: CollectorContext,
  body: Uint8Array,
  encoding: OtlpEncoding,
  now = Date.now(),
): PartialSuccess | Promise<PartialSuccess> {
  const decoded = decodeMetricsExport(body, encoding, {
    ...ctx.decodeLimits,
    maxPoints: ctx.config.maxPointsPerRequest,
  });
  // The queue may have filled while this body arrived: refuse rather than overfill it.
  ctx.ingest.gate.checkBacklog();
  const stored = ctx.store.ingestInSlices(
    decoded.resourceMetrics,
    now,
    decoded.rejections,
    ctx.config.ingestSlicePoints,
  );
  const count = ({ accepted, rejections }: IngestResult): PartialSuccess => {
    ctx.selfMetrics.accepted(accepted);
    ctx.selfMetrics.rejected(rejections);
    return { rejected: rejections.total, message: rejections.summary() };
  };
  return stored instanceof Promise ? stored.then(count) : count(stored);
}

export function otlpMetrics(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  registerOtlpRoute(app, ctx.ingest, {
    url: '/v1/metrics',
    rejectedField: 'rejectedDataPoints',
    handle: (body, encoding) => acceptMetrics(ctx, body, encoding),
    onResult: (result) => ctx.selfMetrics.export(result),
  });
  return Promise.resolve();
}
