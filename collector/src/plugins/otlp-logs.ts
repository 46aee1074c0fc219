/**
 * Blocked-loop and busy-loop events: POST /v1/logs (OTLP/HTTP, through the
 * shared ingest route: same limits, auth and errors as /v1/metrics) into two
 * bounded stores, and GET /api/v1/blocks and /api/v1/busy to read them. The per-instance count in /metrics
 * (loopscope_eventloop_blocks_total) is the agent's own counter, which
 * arrives with its metrics: one family, counting every stall, captured or not.
 */
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import { registerOtlpRoute } from '../ingest/route.js';
import type { PartialSuccess } from '../ingest/response.js';
import type { OtlpEncoding } from '../otlp/wire.js';
import { blocksApi } from '../api/blocks.js';
import { decodeLogsExport } from '../otlp/logs.js';
import { BlockStore, DEFAULT_BLOCK_STORE } from '../store/blocks.js';
import { busyApi } from '../api/busy.js';
import { BusyStore, DEFAULT_BUSY_STORE } from '../store/busy.js';

/** The event stores one logs route fills. */
export interface EventStores {
  readonly blocks: BlockStore;
  readonly busy: BusyStore;
}

/**
 * Busy-loop events get a quarter of --max-blocks-bytes on top of it: there
 * are far fewer of them (one per busy run of seconds) than of stalls.
 */
export const busyStoreBytes = (maxBlocksBytes: number): number => Math.floor(maxBlocksBytes / 4);

/** Decode and store one logs export; throws OtlpDecodeError for an unreadable body. */
export function acceptLogs(
  ctx: CollectorContext,
  stores: EventStores,
  body: Uint8Array,
  encoding: OtlpEncoding,
  nowMs = Date.now(),
): PartialSuccess {
  const decoded = decodeLogsExport(body, encoding, ctx.decodeLimits);
  const { blocks, busy } = stores;
  const evicted = blocks.evictedInstances + busy.evictedInstances;
  for (const batch of decoded.batches) blocks.add(batch.sender, batch.events, nowMs);
  for (const batch of decoded.busyBatches) busy.add(batch.sender, batch.events, nowMs);
  ctx.selfMetrics.blocksEvicted(blocks.evictedInstances + busy.evictedInstances - evicted);
  // Block and busy-loop events count like points: accepted, and rejected by reason (dropped_points_total).
  ctx.selfMetrics.accepted(decoded.accepted);
  ctx.selfMetrics.rejected(decoded.rejections);
  const ignored =
    decoded.ignored > 0
      ? `${decoded.ignored} log record(s) that are not loopscope block or busy-loop events were ignored`
      : '';
  const message = [decoded.rejections.summary(), ignored].filter((m) => m !== '').join('; ');
  return { rejected: decoded.rejections.total, message };
}

export function blockEvents(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  const store = new BlockStore({ ...DEFAULT_BLOCK_STORE, maxBytes: ctx.config.maxBlocksBytes });
  const busy = new BusyStore({
    ...DEFAULT_BUSY_STORE,
    maxBytes: busyStoreBytes(ctx.config.maxBlocksBytes),
  });
  // The ingest route replaces its context's parsers and error handler: give it its own.
  void app.register((ingest, _opts, done) => {
    registerOtlpRoute(ingest, ctx.ingest, {
      url: '/v1/logs',
      rejectedField: 'rejectedLogRecords',
      handle: (body, encoding) => acceptLogs(ctx, { blocks: store, busy }, body, encoding),
      onResult: (result) => ctx.selfMetrics.export(result),
    });
    done();
  });
  void app.register(blocksApi, { store, replica: ctx.replica, query: ctx.query });
  void app.register(busyApi, { store: busy });
  return Promise.resolve();
}
