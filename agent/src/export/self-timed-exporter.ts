/**
 * Marks the loop time our exports take as the agent's own (self-time.ts):
 * the export call itself (serialisation, the request) and the handling of
 * each response, from the first bytes read on our socket to the SDK's
 * result callback (HTTP parsing, response decoding, the retry wrapper's
 * promise chain). The first response decode builds protobufjs types, ~25 ms
 * of loop time that is not the application's.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { markSelfTime } from '../self-time.js';

/** Published by Node's HTTP client for every request it starts. */
const REQUEST_CHANNEL = 'http.client.request.start';

const markResponse = (): void => markSelfTime(performance.now());

export class SelfTimedExporter implements PushMetricExporter {
  readonly selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  readonly selectAggregation?: PushMetricExporter['selectAggregation'];
  private readonly onRequest: (message: unknown) => void;
  private readonly watched = new WeakSet<Socket>();

  constructor(
    private readonly inner: PushMetricExporter,
    url: string,
  ) {
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
    this.selectAggregation = inner.selectAggregation?.bind(inner);
    const { hostname, pathname } = new URL(url);
    this.onRequest = (message) => {
      const request = (message as { request?: ClientRequest }).request;
      if (request?.path !== pathname || request.host !== hostname) return;
      // First in line on the socket, so the mark precedes the HTTP parser. The
      // channel publishes once the request has its socket (kept alive across exports).
      const watch = (socket: Socket): void => {
        if (this.watched.has(socket)) return;
        this.watched.add(socket);
        socket.prependListener('data', markResponse);
      };
      if (request.socket) watch(request.socket);
      else request.once('socket', watch);
    };
    diagnosticsChannel.subscribe(REQUEST_CHANNEL, this.onRequest);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    markSelfTime(performance.now());
    this.inner.export(metrics, (result) => {
      markSelfTime(performance.now());
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    diagnosticsChannel.unsubscribe(REQUEST_CHANNEL, this.onRequest);
    return this.inner.shutdown();
  }
}
