/** The agent's exporters over real HTTP: headers, content type, body, retries, JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { decodeMetricsRequest } from '@loopscope/collector';
import { createProtocolExporter } from '../../src/export/exporter.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function sink(t: import('node:test').TestContext, failFirst = 0) {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      if (failures-- > 0) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, received };
}

async function sample(): Promise<ResourceMetrics> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 2 ** 30 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    readers: [reader],
  });
  const meter = provider.getMeter('scope');
  meter.createCounter('requests').add(2, { route: '/x' });
  meter.createHistogram('latency', { unit: 's' }).record(0.3);
  await reader.forceFlush();
  await provider.shutdown();
  return exporter.getMetrics()[0]!;
}

const exportOnce = (exporter: PushMetricExporter, data: ResourceMetrics): Promise<ExportResult> =>
  new Promise((resolve) => exporter.export(data, resolve));

test('http/protobuf: the SDK-identical body, our headers, and a 503 retried within the timeout', async (t) => {
  const s = await sink(t, 1);
  const exporter = createProtocolExporter('http/protobuf', {
    url: s.url,
    headers: { authorization: 'Bearer x' },
    timeoutMillis: 10_000,
  });
  t.after(() => exporter.shutdown());
  const data = await sample();
  const result = await exportOnce(exporter, data);
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  assert.equal(s.received.length, 2, 'one 503, then the retry');
  const last = s.received[1]!;
  assert.equal(last.headers['content-type'], 'application/x-protobuf');
  assert.equal(last.headers.authorization, 'Bearer x');
  assert.match(String(last.headers['user-agent']), /OTel-OTLP-Exporter-JavaScript/);
  assert.ok(last.body.equals(Buffer.from(ProtobufMetricsSerializer.serializeRequest(data)!)));
  assert.equal(
    exporter.selectAggregationTemporality!(InstrumentType.HISTOGRAM),
    AggregationTemporality.CUMULATIVE,
  );
});

test('http/protobuf: a collector that answers 400 fails the export, without a throw', async (t) => {
  const server = createServer((_req, res) => res.writeHead(400).end('bad'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const exporter = createProtocolExporter('http/protobuf', {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`,
    headers: {},
    timeoutMillis: 5_000,
  });
  t.after(() => exporter.shutdown());
  const result = await exportOnce(exporter, await sample());
  assert.equal(result.code, ExportResultCode.FAILED);
});

test("http/json: the SDK's JSON serializer on the agent's exporter, loaded on first use, sends what the collector decodes", async (t) => {
  const s = await sink(t);
  const exporter = createProtocolExporter('http/json', {
    url: s.url,
    headers: { 'x-team': 'a' },
    timeoutMillis: 10_000,
  });
  t.after(() => exporter.shutdown());
  const data = await sample();
  const result = await exportOnce(exporter, data);
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  const body = s.received[0]!;
  assert.equal(body.headers['content-type'], 'application/json');
  assert.equal(body.headers['x-team'], 'a');
  assert.deepEqual(
    decodeMetricsRequest(body.body, 'json'),
    decodeMetricsRequest(ProtobufMetricsSerializer.serializeRequest(data)!, 'protobuf'),
  );
});
