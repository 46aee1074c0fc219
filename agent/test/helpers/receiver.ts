/**
 * An OTLP/HTTP metrics receiver for end-to-end tests: a real HTTP server on
 * 127.0.0.1 that decodes every request (protobuf or JSON, by content type)
 * with the collector's decoder and keeps what arrived, in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import {
  decodeMetricsRequest,
  type DecodedMetric,
  type ResourceMetrics,
} from '@loopscope/collector';
import { waitFor } from '@loopscope/testkit';

export interface ReceivedExport {
  readonly encoding: 'protobuf' | 'json';
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly resourceMetrics: readonly ResourceMetrics[];
  /** Date.now() at arrival. */
  readonly at: number;
}

export interface Receiver {
  /** Base endpoint, e.g. http://127.0.0.1:43211 (the agent appends /v1/metrics). */
  readonly url: string;
  readonly port: number;
  readonly exports: readonly ReceivedExport[];
  /** Every instance of metric `name`, oldest first. */
  all(name: string): DecodedMetric[];
  /** The most recent instance of metric `name`. */
  latest(name: string): DecodedMetric | undefined;
  /** Resolves once `count` exports in total have arrived. */
  waitForExports(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function metricsOf(exp: ReceivedExport): DecodedMetric[] {
  return exp.resourceMetrics.flatMap((rm) => rm.metrics);
}

export interface ReceiverOptions {
  /** The body of the 200 answer to the n-th protobuf export (0-based); default empty (full success). */
  protobufAnswer?: (n: number) => Uint8Array;
}

/** Starts a receiver (on `port`, default a free one); closed when the test ends. */
export async function startReceiver(
  t: TestContext,
  port = 0,
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const exports: ReceivedExport[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (req.headers['content-type'] ?? '').includes('json');
      try {
        const resourceMetrics = decodeMetricsRequest(
          Buffer.concat(chunks),
          json ? 'json' : 'protobuf',
        );
        exports.push({
          encoding: json ? 'json' : 'protobuf',
          path: req.url ?? '',
          headers: req.headers,
          resourceMetrics,
          at: Date.now(),
        });
        res.writeHead(200, {
          'content-type': json ? 'application/json' : 'application/x-protobuf',
        });
        res.end(json ? '{}' : (options.protobufAnswer?.(exports.length - 1) ?? ''));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  t.after(close);
  const actualPort = (server.address() as AddressInfo).port;
  const all = (name: string): DecodedMetric[] =>
    exports.flatMap((e) => metricsOf(e).filter((m) => m.name === name));
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    exports,
    all,
    latest: (name) => all(name).at(-1),
    waitForExports: (count, timeoutMs = 20_000) =>
      waitFor(() => exports.length >= count, {
        what: `${count} OTLP exports (got ${exports.length})`,
        timeoutMs,
        intervalMs: 20,
      }).then(() => undefined),
    close,
  };
}
