// POST /v1/logs through the official OTLP log exporters and raw requests,
// and GET /api/v1/blocks, on a collector listening on a free port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { startInProcess, scrape, sampleValue } from '../helpers/collector.js';
import { raw } from '../helpers/http.js';
import type { BlocksResponse } from '../../src/api/blocks.js';
import { blockEvent, logsExport, RESOURCE } from '../helpers/logs-sdk.js';

async function blocks(url: string, query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/api/v1/blocks?${query}`);
  return { status: res.status, body: await res.json() };
}

for (const kind of ['proto', 'json'] as const) {
  for (const gzip of [false, true]) {
    test(`the ${kind} log exporter${gzip ? ' with gzip' : ''} delivers block events to the API`, async (t) => {
      const { url } = await startInProcess(t);
      const config = {
        url: `${url}/v1/logs`,
        ...(gzip ? { compression: CompressionAlgorithm.GZIP } : {}),
      };
      const exporter = kind === 'proto' ? new ProtoExporter(config) : new JsonExporter(config);
      const instance = `${kind}-${gzip}`;
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ ...RESOURCE, 'service.instance.id': instance }),
        processors: [new BatchLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('@loopscope/agent');
      logger.emit(blockEvent({ durationMs: 250, fingerprint: 'aa' }));
      logger.emit(blockEvent({ durationMs: 300, fingerprint: 'bb' }));
      logger.emit(blockEvent({ durationMs: 200, fingerprint: 'aa' }));
      await provider.shutdown();

      const { status, body } = await blocks(url, `job=shop/api&instance=${instance}`);
      assert.equal(status, 200);
      const view = body as BlocksResponse;
      assert.deepEqual(
        view.stacks.map((s) => [s.fingerprint, s.count, s.totalMs]),
        [
          ['aa', 2, 450],
          ['bb', 1, 300],
        ],
      );
      assert.equal(view.recent.length, 3);
      assert.equal(view.stacks[0]?.frames[0]?.function, 'burnCpu');
      const metrics = await scrape(url);
      assert.equal(sampleValue(metrics, 'loopscope_collector_exports_total{result="accepted"}'), 1);
      assert.equal(
        sampleValue(metrics, 'loopscope_collector_points_total'),
        3,
        'events count like points',
      );
    });
  }
}

test('same auth, content types and errors as /v1/metrics', async (t) => {
  const { url } = await startInProcess(t, { authTokens: ['s3cret'] });
  const body = logsExport(RESOURCE, [blockEvent()], 'protobuf');
  const proto = { 'content-type': 'application/x-protobuf' };

  const noToken = await raw(`${url}/v1/logs`, { headers: proto, body });
  assert.equal(noToken.status, 401);
  assert.match(
    noToken.body.toString('latin1'),
    /an Authorization: Bearer <token> header is required/,
  );

  const auth = { ...proto, authorization: 'Bearer s3cret' };
  assert.equal((await raw(`${url}/v1/logs`, { headers: auth, body })).status, 200);

  const text = await raw(`${url}/v1/logs`, {
    headers: { authorization: 'Bearer s3cret', 'content-type': 'text/plain' },
    body: 'hello',
  });
  assert.equal(text.status, 415);

  const garbage = await raw(`${url}/v1/logs`, {
    headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
    body: '{"resourceLogs": {}}',
  });
  assert.equal(garbage.status, 400);
  assert.match(garbage.body.toString(), /expected an array.*resourceLogs/);

  const json = logsExport(RESOURCE, [blockEvent(), blockEvent({ fingerprint: 'XYZ' })], 'json');
  const gz = await raw(`${url}/v1/logs`, {
    headers: {
      authorization: 'Bearer s3cret',
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body: gzipSync(json),
  });
  assert.equal(gz.status, 200);
  const partial = JSON.parse(gz.body.toString()) as {
    partialSuccess: { rejectedLogRecords: string; errorMessage: string };
  };
  assert.equal(partial.partialSuccess.rejectedLogRecords, '1');
  assert.match(partial.partialSuccess.errorMessage, /loopscope\.block\.fingerprint must be/);

  const view = (await blocks(url, 'job=shop/api')).body as BlocksResponse;
  assert.equal(view.recent.length, 2, 'the protobuf and the gzip JSON export');
  const metrics = await scrape(url);
  assert.equal(
    sampleValue(metrics, 'loopscope_collector_dropped_points_total{reason="malformed"}'),
    1,
    'a rejected block event is a dropped point',
  );
});

test('GET /api/v1/blocks validates its parameters', async (t) => {
  const { url } = await startInProcess(t);
  const cases: [string, string, RegExp][] = [
    ['', 'job', /job is required/],
    ['job=a&instance=', 'instance', /instance must not be empty/],
    ['job=a&limit=0', 'limit', /limit must be a whole number from 1 to 100, got "0"/],
    ['job=a&limit=x', 'limit', /got "x"/],
    ['job=a&job=b', 'job', /job must be given once/],
    ['job=a&metric=x', 'metric', /unknown parameter metric; expected job, instance, limit/],
  ];
  for (const [query, parameter, message] of cases) {
    const { status, body } = await blocks(url, query);
    assert.equal(status, 400, query);
    assert.equal((body as { parameter: string }).parameter, parameter, query);
    assert.match((body as { message: string }).message, message, query);
  }
  const empty = await blocks(url, 'job=nobody&instance=none');
  assert.equal(empty.status, 200);
  assert.deepEqual((empty.body as BlocksResponse).stacks, []);
});

test('the UI page announces the blocks and busy-loop features', async (t) => {
  const { url } = await startInProcess(t);
  const page = await (await fetch(`${url}/`)).text();
  assert.match(page, /"features":\["blocks","busy"\]/);
});
