import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { ExportServiceResponse, RpcStatus } from '../../src/otlp/proto.js';
import { raw } from '../helpers/http.js';
import { sampleValue, scrape, startInProcess } from '../helpers/collector.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

async function validExport(): Promise<Buffer> {
  const h = sdkHarness({ 'service.name': 'api', 'service.instance.id': 'i-1' });
  h.meter.createCounter('requests').add(3);
  const rm = await h.collect();
  await h.provider.shutdown();
  return serialize(rm, 'protobuf');
}

function jsonWithBadPoint(): string {
  const T = '1700000000000000000';
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'j' } }] },
        scopeMetrics: [
          {
            metrics: [
              { name: 'ok', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } },
              { name: 'bad', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 'NaN' }] } },
            ],
          },
        ],
      },
    ],
  });
}

function status(body: Buffer): { code: number; message: string } {
  return RpcStatus.toObject(RpcStatus.decode(body)) as { code: number; message: string };
}

test('a valid protobuf export: 200 with an empty ExportMetricsServiceResponse, data in /metrics', async (t) => {
  const c = await startInProcess(t);
  const res = await raw(`${c.url}/v1/metrics`, { headers: PB, body: await validExport() });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/x-protobuf');
  assert.equal(res.body.length, 0, 'partial_success unset');
  const text = await scrape(c.url);
  assert.equal(sampleValue(text, 'requests_total{job="api",instance="i-1"}'), 3);
  assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="accepted"}'), 1);
  assert.equal(sampleValue(text, 'loopscope_collector_points_total'), 1);
});

test('rejected points come back as partial_success, in the encoding of the request', async (t) => {
  const c = await startInProcess(t);
  const res = await raw(`${c.url}/v1/metrics`, { headers: JSON_CT, body: jsonWithBadPoint() });
  assert.equal(res.status, 200);
  const body = JSON.parse(res.body.toString()) as {
    partialSuccess: { rejectedDataPoints: string; errorMessage: string };
  };
  assert.equal(body.partialSuccess.rejectedDataPoints, '1');
  assert.match(body.partialSuccess.errorMessage, /metric "bad" point 0: value NaN is not finite/);
  const text = await scrape(c.url);
  assert.equal(sampleValue(text, 'ok{job="j"}'), 1);
  assert.equal(
    sampleValue(text, 'loopscope_collector_dropped_points_total{reason="malformed"}'),
    1,
  );
  assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="partial"}'), 1);

  // The same in protobuf: a gauge named like one of the collector's own
  // metrics is a type_conflict, reported in a protobuf ExportMetricsServiceResponse.
  const h = sdkHarness({ 'service.name': 'p' });
  h.meter.createGauge('loopscope.collector.senders').record(1);
  const conflicting = serialize(await h.collect(), 'protobuf');
  await h.provider.shutdown();
  const pres = await raw(`${c.url}/v1/metrics`, { headers: PB, body: conflicting });
  assert.equal(pres.status, 200);
  const decoded = ExportServiceResponse.toObject(ExportServiceResponse.decode(pres.body), {
    longs: Number,
  }) as { partialSuccess: { rejected: number; errorMessage: string } };
  assert.equal(decoded.partialSuccess.rejected, 1);
  assert.match(decoded.partialSuccess.errorMessage, /collector's own metrics/);
});

test('malformed bodies get 400 with a google.rpc.Status saying what is wrong', async (t) => {
  const c = await startInProcess(t);
  const good = await validExport();
  const pb = await raw(`${c.url}/v1/metrics`, {
    headers: PB,
    body: good.subarray(0, good.length - 5),
  });
  assert.equal(pb.status, 400);
  assert.equal(pb.headers['content-type'], 'application/x-protobuf');
  const s = status(pb.body);
  assert.equal(s.code, 3);
  assert.match(
    s.message,
    /^LOOPSCOPE_MALFORMED: invalid protobuf ExportMetricsServiceRequest \(\d+ bytes\)/,
  );

  const js = await raw(`${c.url}/v1/metrics`, {
    headers: JSON_CT,
    body: '{"resourceMetrics": [{"scopeMetrics": 7}]}',
  });
  assert.equal(js.status, 400);
  assert.deepEqual(JSON.parse(js.body.toString()), {
    code: 3,
    message: 'LOOPSCOPE_MALFORMED: expected an array, got 7 at resourceMetrics[0].scopeMetrics',
  });
  const notJson = await raw(`${c.url}/v1/metrics`, {
    headers: JSON_CT,
    body: '{"resourceMetrics": [',
  });
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.toString(), /invalid JSON/);
  const badGzip = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'content-encoding': 'gzip' },
    body: Buffer.from('definitely not gzip'),
  });
  assert.equal(badGzip.status, 400);
  assert.match(status(badGzip.body).message, /invalid gzip body/);
  assert.equal(
    sampleValue(await scrape(c.url), 'loopscope_collector_exports_total{result="malformed"}'),
    4,
  );
});

test('unsupported Content-Type or Content-Encoding: 415', async (t) => {
  const c = await startInProcess(t);
  const text = await raw(`${c.url}/v1/metrics`, {
    headers: { 'content-type': 'text/plain' },
    body: 'x',
  });
  assert.equal(text.status, 415);
  assert.match(
    text.body.toString(),
    /unsupported Content-Type \\"text\/plain\\": send application\/x-protobuf or application\/json/,
  );
  const none = await raw(`${c.url}/v1/metrics`, { body: 'x' });
  assert.equal(none.status, 415);
  assert.match(none.body.toString(), /Content-Type \(none\)/);
  const br = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'content-encoding': 'br' },
    body: 'x',
  });
  assert.equal(br.status, 415);
  assert.match(
    status(br.body).message,
    /LOOPSCOPE_UNSUPPORTED_ENCODING: unsupported Content-Encoding "br"/,
  );
  // Parameters such as charset are fine.
  const ok = await raw(`${c.url}/v1/metrics`, {
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{}',
  });
  assert.equal(ok.status, 200);
});

test('gzip and deflate bodies are inflated', async (t) => {
  const c = await startInProcess(t);
  const body = await validExport();
  for (const [encoding, bytes] of [
    ['gzip', gzipSync(body)],
    ['deflate', (await import('node:zlib')).deflateSync(body)],
  ] as const) {
    const res = await raw(`${c.url}/v1/metrics`, {
      headers: { ...PB, 'content-encoding': encoding },
      body: bytes,
    });
    assert.equal(res.status, 200, encoding);
  }
});

test('bearer tokens: 401 without or with a wrong token, tokens never logged', async (t) => {
  const tokens = ['s3cret-token-one', 's3cret-token-two'];
  const c = await startInProcess(t, { authTokens: tokens, logLevel: 'trace' });
  const body = await validExport();
  const missing = await raw(`${c.url}/v1/metrics`, { headers: PB, body });
  assert.equal(missing.status, 401);
  assert.match(
    status(missing.body).message,
    /LOOPSCOPE_UNAUTHORIZED: an Authorization: Bearer <token> header is required/,
  );
  const wrong = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, authorization: 'Bearer s3cret-token-three' },
    body,
  });
  assert.equal(wrong.status, 401);
  assert.equal(status(wrong.body).code, 16);
  const prefix = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, authorization: 'Bearer s3cret-token-on' },
    body,
  });
  assert.equal(prefix.status, 401);
  const basic = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, authorization: 's3cret-token-one' },
    body,
  });
  assert.equal(basic.status, 401, 'the Bearer scheme is required');
  const ok = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, authorization: 'bearer s3cret-token-two' },
    body,
  });
  assert.equal(ok.status, 200);
  const text = await scrape(c.url);
  assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="unauthorized"}'), 4);
  const logs = c.logs.join('');
  assert.ok(c.logs.length > 0, 'trace logging produced lines');
  for (const secret of [...tokens, 's3cret-token-three'])
    assert.ok(!logs.includes(secret), `${secret} logged`);
});

test('413: a declared, a streamed and a decompressed body over the limit, refused while reading', async (t) => {
  const c = await startInProcess(t, { maxBodyBytes: 1024 * 1024 });
  const declared = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'content-length': 100 * 1024 * 1024 },
    stream: { chunk: Buffer.alloc(64 * 1024), total: 100 * 1024 * 1024 },
  });
  assert.equal(declared.status, 413);
  assert.match(
    status(declared.body).message,
    /LOOPSCOPE_TOO_LARGE: the body exceeds the limit of 1048576 bytes/,
  );
  assert.ok(
    declared.written < 20 * 1024 * 1024,
    `stopped early (${declared.written} bytes written)`,
  );

  const chunked = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'transfer-encoding': 'chunked' },
    stream: { chunk: Buffer.alloc(64 * 1024), total: 100 * 1024 * 1024 },
  });
  assert.equal(chunked.status, 413);
  assert.ok(chunked.written < 20 * 1024 * 1024, `stopped early (${chunked.written} bytes written)`);

  // 64 MiB of zeros in ~64 KiB of gzip: refused after inflating about the limit.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const started = process.hrtime.bigint();
  const inflated = await raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'content-encoding': 'gzip' },
    body: bomb,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(inflated.status, 413);
  assert.match(
    status(inflated.body).message,
    /the decompressed body exceeds the limit of 1048576 bytes/,
  );
  assert.ok(ms < 2000, `refused in ${ms.toFixed(0)} ms`);
  const text = await scrape(c.url);
  assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="too_large"}'), 3);
});

test('429 with Retry-After when too many exports are in flight; 503 while shutting down', async (t) => {
  const c = await startInProcess(t, { maxConcurrentExports: 1 });
  const body = await validExport();
  let release!: () => void;
  const held = raw(`${c.url}/v1/metrics`, {
    headers: { ...PB, 'content-length': body.length },
    body,
    holdUntil: new Promise<void>((r) => (release = r)),
  });
  // Let the first request's headers arrive.
  await new Promise((r) => setTimeout(r, 100));
  const busy = await raw(`${c.url}/v1/metrics`, { headers: PB, body });
  assert.equal(busy.status, 429);
  assert.equal(busy.headers['retry-after'], '1');
  assert.match(status(busy.body).message, /LOOPSCOPE_OVERLOADED/);
  release();
  assert.equal((await held).status, 200, 'the slow request completes');
  const after = await raw(`${c.url}/v1/metrics`, { headers: PB, body });
  assert.equal(after.status, 200, 'the slot was released');

  c.app.loopscope.ingest.gate.drain();
  const closing = await raw(`${c.url}/v1/metrics`, { headers: PB, body });
  assert.equal(closing.status, 503);
  assert.equal(closing.headers['retry-after'], '1');
  assert.equal((await fetch(`${c.url}/readyz`)).status, 503);
  assert.equal((await fetch(`${c.url}/healthz`)).status, 200);
});

test('/healthz, /readyz and content negotiation on /metrics', async (t) => {
  const c = await startInProcess(t);
  assert.deepEqual(await (await fetch(`${c.url}/healthz`)).json(), { status: 'ok' });
  await raw(`${c.url}/v1/metrics`, { headers: PB, body: await validExport() });
  assert.deepEqual(await (await fetch(`${c.url}/readyz`)).json(), {
    status: 'ready',
    senders: 1,
    series: 1,
  });
  const text = await fetch(`${c.url}/metrics`);
  assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const om = await fetch(`${c.url}/metrics`, {
    headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' },
  });
  assert.equal(
    om.headers.get('content-type'),
    'application/openmetrics-text; version=1.0.0; charset=utf-8',
  );
  const body = await om.text();
  assert.ok(body.endsWith('# EOF\n'), 'OpenMetrics ends with # EOF');
  assert.equal(body.match(/# EOF/g)?.length, 1);
  assert.match(body, /^# TYPE requests counter$/m);
});
