// Busy-loop events (BUSY_EVENT) on POST /v1/logs, serialized by the real
// OpenTelemetry exporters' serializers, and GET /api/v1/busy: accepted in
// both encodings, each unusable one rejected on its own with a message
// naming the attribute, counted like points, user data never an object key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_EVENT } from '@loopscope/agent/names';
import { startInProcess, scrape, sampleValue } from '../helpers/collector.js';
import { raw } from '../helpers/http.js';
import type { BusyResponse } from '../../src/api/busy.js';
import { blockEvent, busyEvent, logsExport, RESOURCE } from '../helpers/logs-sdk.js';

const B = BUSY_EVENT.attributes;

async function busy(url: string, query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/api/v1/busy?${query}`);
  return { status: res.status, body: await res.json() };
}

async function post(url: string, body: Buffer, encoding: 'protobuf' | 'json') {
  const type = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
  return raw(`${url}/v1/logs`, { headers: { 'content-type': type }, body });
}

for (const encoding of ['protobuf', 'json'] as const) {
  test(`busy-loop events (${encoding}) reach /api/v1/busy, culprits by total busy time`, async (t) => {
    const { url } = await startInProcess(t);
    const now = Date.now();
    const records = [
      busyEvent({ durationMs: 6000, fingerprint: 'aa', timeMs: now - 30_000 }),
      busyEvent({
        durationMs: 5000,
        fingerprint: 'bb',
        label: 'crunch (app.js:2)',
        timeMs: now - 20_000,
      }),
      busyEvent({ durationMs: 7000, fingerprint: 'aa', timeMs: now - 10_000 }),
      blockEvent(),
    ];
    const res = await post(url, logsExport(RESOURCE, records, encoding), encoding);
    assert.equal(res.status, 200, res.body.toString());
    const { status, body } = await busy(url, 'job=shop/api&instance=i-1');
    assert.equal(status, 200);
    const view = body as BusyResponse;
    assert.deepEqual(
      view.culprits.map((c) => [c.fingerprint, c.count, c.totalMs, c.label, c.caller]),
      [
        ['aa', 2, 13000, '_key (bcryptjs/dist/bcrypt.js:1217)', 'verifyPassword (src/auth.js:12)'],
        ['bb', 1, 5000, 'crunch (app.js:2)', 'verifyPassword (src/auth.js:12)'],
      ],
    );
    assert.deepEqual(
      view.recent.map((r) => r.durationMs),
      [7000, 5000, 6000],
      'newest first',
    );
    const [latest] = view.recent;
    assert.equal(latest?.utilization, 0.98);
    assert.equal(latest?.thresholdUtilization, 0.9);
    assert.deepEqual([latest?.samples, latest?.hottestSamples], [8, 7]);
    assert.deepEqual(
      latest?.hottest.map((h) => [h.fingerprint, h.samples]),
      [
        ['aa', 7],
        ['ff', 1],
      ],
    );
    assert.equal(latest?.frames[0]?.function, 'burnCpu');
    // The block event went to the block store, not here.
    const blocks = (await (await fetch(`${url}/api/v1/blocks?job=shop/api`)).json()) as {
      recent: unknown[];
    };
    assert.equal(blocks.recent.length, 1);
    const metrics = await scrape(url);
    assert.equal(
      sampleValue(metrics, 'loopscope_collector_points_total'),
      4,
      'events count like points',
    );
  });
}

test('each unusable busy-loop event is rejected on its own, naming the attribute', async (t) => {
  const { url } = await startInProcess(t);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ [B.utilization]: 1.5 }, /loopscope\.busy\.utilization must be a ratio from 0 to 1/],
    [{ [B.durationMs]: -1 }, /loopscope\.busy\.duration_ms must be a finite number >= 0/],
    [{ [B.hottestSamples]: 9 }, /loopscope\.busy\.hottest_samples \(9\) must not exceed/],
    [
      { [B.fingerprint]: '__proto__' },
      /loopscope\.busy\.fingerprint must be 1 to 64 lowercase hex/,
    ],
    [{ [B.label]: 'x'.repeat(2049) }, /loopscope\.busy\.label must be a string of at most 2048/],
    [{ [B.caller]: 42 }, /loopscope\.busy\.caller must be a string/],
    [
      {
        [B.hottest]: Array.from({ length: 11 }, () => ({
          fingerprint: 'aa',
          label: 'a',
          samples: 1,
        })),
      },
      /loopscope\.busy\.hottest must be an array of at most 10 stacks/,
    ],
    [
      {
        [B.frames]: Array.from({ length: 65 }, () => ({
          function: 'f',
          file: 'a.js',
          line: 1,
          column: 1,
        })),
      },
      /loopscope\.busy\.frames must be an array of at most 64 frames/,
    ],
  ];
  for (const [attrs, message] of bad) {
    const records = [busyEvent({}, attrs), busyEvent({ fingerprint: 'cc' })];
    const res = await post(url, logsExport(RESOURCE, records, 'json'), 'json');
    assert.equal(res.status, 200);
    const partial = JSON.parse(res.body.toString()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    assert.equal(
      partial.partialSuccess.rejectedLogRecords,
      '1',
      JSON.stringify(attrs).slice(0, 80),
    );
    assert.match(partial.partialSuccess.errorMessage, message);
  }
  const view = (await busy(url, 'job=shop/api')).body as BusyResponse;
  assert.equal(view.recent.length, bad.length, 'the good event of every request was kept');
  const metrics = await scrape(url);
  assert.equal(
    sampleValue(metrics, 'loopscope_collector_dropped_points_total{reason="malformed"}'),
    bad.length,
  );
});

test('hostile job and instance names are data, not object keys; other senders keep theirs', async (t) => {
  const { url } = await startInProcess(t);
  const hostile = { 'service.name': '__proto__', 'service.instance.id': 'constructor' };
  for (const resource of [hostile, RESOURCE]) {
    const res = await post(url, logsExport(resource, [busyEvent()], 'protobuf'), 'protobuf');
    assert.equal(res.status, 200);
  }
  const mine = (await busy(url, 'job=__proto__&instance=constructor')).body as BusyResponse;
  assert.deepEqual(mine.instances, ['constructor']);
  assert.equal(mine.recent.length, 1);
  const theirs = (await busy(url, 'job=shop/api')).body as BusyResponse;
  assert.deepEqual(theirs.instances, ['i-1']);
  assert.equal(({} as Record<string, unknown>).instance, undefined, 'no prototype was touched');
});

test('/api/v1/busy: 400 naming the parameter; unknown job is 200 with empty lists', async (t) => {
  const { url } = await startInProcess(t);
  const missing = await busy(url, '');
  assert.equal(missing.status, 400);
  assert.match(JSON.stringify(missing.body), /"parameter":"job"/);
  const limit = await busy(url, 'job=a&limit=1000');
  assert.equal(limit.status, 400);
  assert.match(JSON.stringify(limit.body), /limit must be a whole number from 1 to 100/);
  const unknown = await busy(url, 'job=a&bogus=1');
  assert.equal(unknown.status, 400);
  const empty = await busy(url, 'job=nobody');
  assert.equal(empty.status, 200);
  assert.deepEqual((empty.body as BusyResponse).recent, []);
  assert.deepEqual((empty.body as BusyResponse).culprits, []);
});
