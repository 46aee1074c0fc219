/** POST /v1/metrics: OTLP/HTTP metrics into the store. */
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import { registerOtlpRoute } from '../ingest/route.js';
import type { PartialSuccess } from '../ingest/response.js';
import { decodeMetricsExport } from '../otlp/metrics.js';
import type { OtlpEncoding } from '../otlp/wire.js';

/** Decode, store and count one export body; throws OtlpDecodeError for an unreadable body. */
export function acceptMetrics(
  ctx: CollectorContext,
  body: Uint8Array,
  encoding: OtlpEncoding,
  now = Date.now(),
): PartialSuccess {
  const decoded = decodeMetricsExport(body, encoding, {
    ...ctx.decodeLimits,
    maxPoints: ctx.config.maxPointsPerRequest,
  });
  // The queue may have filled while this body arrived: refuse rather than overfill it.
  ctx.ingest.gate.checkBacklog();
  const { accepted, rejections } = ctx.store.ingest(
    decoded.resourceMetrics,
    now,
    decoded.rejections,
  );
  ctx.selfMetrics.accepted(accepted);
  ctx.selfMetrics.rejected(rejections);
  return { rejected: rejections.total, message: rejections.summary() };
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
