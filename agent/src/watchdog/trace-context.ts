/**
 * The OpenTelemetry span active in the blocked code, read by the capture
 * function inside the stall. The API's global context manager is shared by
 * every copy of @opentelemetry/api 1.x in the process, so this sees the
 * app's spans; without an SDK it sees none. The route comes from the span's
 * `http.route` attribute, or from the RPC metadata HTTP framework
 * instrumentations fill in while routing.
 */
import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

export interface SpanInfo {
  readonly spanContext: SpanContext;
  readonly name: string | undefined;
  readonly route: string | undefined;
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function activeSpan(): SpanInfo | undefined {
  const active = context.active();
  const span = trace.getSpan(active);
  if (!span) return undefined;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  // The SDK's Span has these; the API's interface does not promise them.
  const sdk = span as { name?: unknown; attributes?: Record<string, unknown> };
  return {
    spanContext,
    name: asString(sdk.name),
    route: asString(sdk.attributes?.['http.route']) ?? asString(getRPCMetadata(active)?.route),
  };
}
