/**
 * Remote write: every accepted export, converted once (the samples of
 * GET /metrics), queued for each --remote-write-url. Exports are refused
 * with 503 + Retry-After while any queue is full; expired senders get
 * staleness markers; on close the queues are flushed within
 * --shutdown-timeout. With --no-scrape-endpoint the store forgets each
 * export's restated series as soon as they are converted.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { CollectorContext } from '../context.js';
import type { SenderState } from '../store/store.js';
import { Converter, type Chunk } from '../remote-write/convert.js';
import { endpointOf } from '../remote-write/endpoint.js';
import { RemoteWriteMetrics } from '../remote-write/metrics.js';
import { Remote } from '../remote-write/remote.js';
import { identityLabels } from '../prometheus/samples.js';
import { joinLabels, labelPair } from '../prometheus/labels.js';
import { COLLECTOR_METRICS } from '../self-metric-names.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** How often the collector's own metrics are written (a typical scrape interval). */
const OWN_INTERVAL_MS = 15_000;

export function remoteWrite(app: FastifyInstance, ctx: CollectorContext): Promise<void> {
  const { config, store } = ctx;
  if (config.remoteWriteUrls.length === 0) return Promise.resolve();
  const metrics = new RemoteWriteMetrics([ctx.selfMetrics.registry]);
  const remotes = config.remoteWriteUrls.map(
    (url) =>
      new Remote(
        endpointOf(url, {
          headers: config.remoteWriteHeaders,
          bearerToken: config.remoteWriteBearerToken,
          version,
        }),
        {
          queueBytes: config.remoteWriteQueueBytes,
          maxBatchSamples: config.remoteWriteMaxBatchSamples,
          concurrency: config.remoteWriteConcurrency,
          timeoutMs: config.remoteWriteTimeoutMs,
        },
        metrics,
        app.log,
      ),
  );
  const converter = new Converter(
    config.remoteWriteMaxBatchSamples,
    config.promoteResourceAttributes,
  );

  const push = (chunks: readonly Chunk[]): void => {
    for (const r of remotes) for (const c of chunks) r.push(c);
  };
  let outOfOrder = 0;
  const countOutOfOrder = (): void => {
    const n = converter.outOfOrder - outOfOrder;
    outOfOrder = converter.outOfOrder;
    for (const r of remotes) metrics.count(r.endpoint.display, 'out_of_order', n);
  };

  ctx.ingest.gate.backlog = () => {
    const full = remotes.find((r) => r.full);
    return full
      ? `the remote-write queue for ${full.endpoint.display} is full (${full.queueBytes} bytes, --remote-write-queue-bytes); retry later`
      : undefined;
  };

  const unsubscribe = store.subscribe((batch, now) => {
    // One sender may come in several resource entries; convert it once.
    const seen = new Set<SenderState>();
    for (const rm of batch) {
      const sender = store.sender(rm.sender.job, rm.sender.instance);
      if (!sender || seen.has(sender)) continue;
      seen.add(sender);
      push(converter.convert(sender, now));
      if (!config.scrapeEndpoint) store.releaseRestated(sender);
    }
    countOutOfOrder();
  });

  const sweep = setInterval(
    () => {
      const now = Date.now();
      push(converter.expire(now - config.expireAfterMs, now));
    },
    Math.min(5_000, Math.max(100, Math.floor(config.expireAfterMs / 10))),
  );
  sweep.unref();

  // The collector's own metrics (prom-client) are remote-written too, as the
  // job and instance its self-monitoring agent uses, so a database fed only
  // by remote write still sees every replica's queue, lag and refusals.
  const writeOwn = async (): Promise<void> => {
    const address = app.server.address() as AddressInfo | null;
    const own = identityLabels(
      'loopscope-collector',
      `${hostname()}:${address?.port ?? config.port}`,
    );
    const metrics = await ctx.selfMetrics.registry.getMetricsAsJSON();
    const now = Date.now();
    push(
      converter.convertSamples('\u0000collector', now, (emit) => {
        for (const m of metrics) {
          // Per-sender series are written with each sender's exports.
          if (m.name === COLLECTOR_METRICS.senderLastSeen) continue;
          for (const v of m.values) {
            const labels = Object.entries(v.labels)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, val]) => labelPair(k, String(val)))
              .join(',');
            emit(m.name, joinLabels(own, labels), v.value);
          }
        }
      }),
    );
  };
  const ownTimer = setInterval(() => {
    writeOwn().catch((err: unknown) =>
      app.log.error({ err }, 'remote write of own metrics failed'),
    );
  }, OWN_INTERVAL_MS);
  ownTimer.unref();

  app.addHook('onClose', async () => {
    unsubscribe();
    clearInterval(sweep);
    clearInterval(ownTimer);
    await writeOwn().catch(() => {});
    // Leave a little of --shutdown-timeout for the rest of the shutdown.
    const deadline = Date.now() + Math.max(100, config.shutdownTimeoutMs - 500);
    const unsent = await Promise.all(remotes.map((r) => r.flush(deadline)));
    remotes.forEach((r, i) => {
      if (unsent[i]! > 0) {
        app.log.error(
          { remote: r.endpoint.display, samples: unsent[i] },
          `shutdown: ${unsent[i]} samples could not be written to ${r.endpoint.display} within --shutdown-timeout`,
        );
      }
    });
  });
  return Promise.resolve();
}
