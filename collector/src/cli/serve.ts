/**
 * Runs the collector: listen, load the agent on itself, stop cleanly on
 * SIGTERM/SIGINT (refuse new exports, finish in-flight requests, exit 0).
 */
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AgentHandle } from '@loopscope/agent';
import { buildApp } from '../app.js';
import type { CollectorConfig } from '../config.js';

/** Where the collector's own agent sends: loopback when listening on every interface. */
export function selfUrl(config: CollectorConfig, port: number): string {
  let host = config.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `${config.tls ? 'https' : 'http'}://${host}:${port}`;
}

async function startSelfMonitor(config: CollectorConfig, port: number): Promise<AgentHandle> {
  const token = config.authTokens[0];
  // Imported only when used: the OpenTelemetry SDK is most of the startup time.
  const { startAgent } = await import('@loopscope/agent');
  return startAgent({
    serviceName: 'loopscope-collector',
    serviceInstanceId: `${hostname()}:${port}`,
    metricsEndpoint: `${selfUrl(config, port)}/v1/metrics`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    // The collector handles signals itself and stops the agent first.
    handleSignals: false,
  });
}

export async function serve(config: CollectorConfig): Promise<FastifyInstance> {
  const app = buildApp(config);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    app.log.fatal(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    process.exit(1);
  }
  const port = (app.server.address() as AddressInfo).port;
  const url = selfUrl(config, port).replace(/\/\/(127\.0\.0\.1|\[::1\])/, `//${config.host}`);
  app.log.info(
    {
      url,
      rollup: config.rollup,
      auth: config.authTokens.length > 0,
      selfMonitor: config.selfMonitor,
    },
    `loopscope collector listening on ${url} (OTLP: POST ${url}/v1/metrics, Prometheus: GET ${url}/metrics)`,
  );
  const agent = config.selfMonitor ? await startSelfMonitor(config, port) : undefined;

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: refusing new exports, finishing in-flight requests');
    setTimeout(() => {
      app.log.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    void (async () => {
      await agent?.shutdown();
      app.loopscope.ingest.gate.drain();
      await app.close();
      app.log.info('stopped');
      process.exit(0);
    })();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return app;
}
