/**
 * The collector as a Fastify application. Every feature is a plugin
 * registered with the shared context on one line below; add yours the
 * same way. buildApp does not listen: the CLI (or a test) does.
 */
import { hostname } from 'node:os';
import { redact } from '@loopscope/agent/redact';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { destination } from 'pino';
import { normalizeConfig, type CollectorConfig } from './config.js';
import type { CollectorContext } from './context.js';
import { MetricStore } from './store/store.js';
import { prometheusNaming } from './prometheus/store-naming.js';
import { SelfMetrics } from './prometheus/self-metrics.js';
import { IngestGate } from './ingest/gate.js';
import { TokenSet } from './ingest/auth.js';
import { DEFAULT_DECODE_LIMITS } from './otlp/decode.js';
import { otlpMetrics } from './plugins/otlp-metrics.js';
import { exposition } from './plugins/exposition.js';
import { health } from './plugins/health.js';
import { liveUi } from './ui/plugin.js';
import { blockEvents } from './plugins/otlp-logs.js';
import { PromQueryClient } from './query/client.js';
import { readAuthHook } from './api/read-auth.js';
import { remoteWrite } from './plugins/remote-write.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The collector's settings and shared parts (store, self-metrics, ingest settings). */
    loopscope: CollectorContext;
  }
}

export interface BuildOptions {
  /** Where logs go (default stdout); tests capture them here. */
  readonly logStream?: { write(line: string): void };
}

const QUIET_ROUTES = /^\/(v1\/|metrics|healthz|readyz)/;

/** How often expired series are swept (exposition also sweeps before rendering). */
function sweepIntervalMs(expireAfterMs: number): number {
  return Math.min(30_000, Math.max(100, Math.floor(expireAfterMs / 10)));
}

export function buildApp(
  input: Partial<CollectorConfig> = {},
  options: BuildOptions = {},
): FastifyInstance {
  const config = normalizeConfig(input);
  const store = new MetricStore({
    expireAfterMs: config.expireAfterMs,
    maxSeries: config.maxSeries,
    maxCardinality: config.maxCardinality,
    maxSeriesPerSender: config.maxSeriesPerSender,
    maxFutureSkewMs: config.maxFutureSkewMs,
    rollup: config.rollup,
    promoteResourceAttributes: config.promoteResourceAttributes,
    naming: prometheusNaming(config.promoteResourceAttributes),
  });
  const ctx: CollectorContext = {
    config,
    store,
    selfMetrics: new SelfMetrics(store),
    ingest: {
      gate: new IngestGate(config.maxConcurrentExports),
      auth: new TokenSet(config.authTokens),
      maxBodyBytes: config.maxBodyBytes,
      deadline: { timeoutMs: config.requestTimeoutMs, minBytesPerSecond: config.minBodyRate },
    },
    decodeLimits: { ...DEFAULT_DECODE_LIMITS, maxAttributeLength: config.maxAttributeLength },
    replica: config.replicaName || `${hostname()}:${config.port}`,
    query: config.queryUrl === undefined ? undefined : new PromQueryClient(config.queryUrl),
  };

  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Fastify's request serializer logs no headers; this guards against anyone adding them.
      redact: ['req.headers.authorization', 'headers.authorization'],
      // Every message: a URL or token in a message string is masked like the agent masks it.
      hooks: {
        logMethod(args: unknown[], method: (...a: unknown[]) => void) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redact(a) : a)),
          );
        },
      },
      // Written synchronously, as Node writes to pipes on Linux. pino's asynchronous stdout
      // flushes at exit and retries a broken pipe forever (sonic-boom 4): a collector whose
      // log reader had gone (`| tee`, then Ctrl-C) never exited after SIGTERM.
      stream: options.logStream ?? destination({ dest: 1, sync: true }),
    },
    // Agents export every few seconds and Prometheus scrapes: a line per
    // request would drown everything else. Other routes keep Fastify's logs.
    logController: new LogController({
      disableRequestLogging: (request) => QUIET_ROUTES.test(request.url),
    }),
    ...(config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {}),
  }) as unknown as FastifyInstance;

  app.decorate('loopscope', ctx);
  const readAuth = readAuthHook({ tokens: config.readAuthTokens, metrics: config.readAuthMetrics });
  if (readAuth) app.addHook('onRequest', readAuth);
  store.onListenerError = (err) => app.log.error({ err }, 'an export listener threw');
  const sweep = setInterval(() => store.expire(Date.now()), sweepIntervalMs(config.expireAfterMs));
  sweep.unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(sweep);
    done();
  });
  // While shutting down, every answer closes its connection, so keep-alive
  // clients (exporters) let go and close() does not wait for their idle sockets.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (ctx.ingest.gate.draining) void reply.header('connection', 'close');
    done(null, payload);
  });

  void app.register(otlpMetrics, ctx);
  void app.register(exposition, ctx);
  void app.register(health, ctx);
  void app.register(liveUi, ctx);
  void app.register(blockEvents, ctx);
  void app.register(remoteWrite, ctx);
  return app;
}
