import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DECODE_LIMITS } from '../../src/otlp/decode.js';
import { OtlpDecodeError } from '../../src/otlp/errors.js';
import { decodeLogsExport } from '../../src/otlp/logs.js';
import { blockEvent, FRAMES, logsExport, RESOURCE } from '../helpers/logs-sdk.js';

for (const encoding of ['protobuf', 'json'] as const) {
  test(`a block event from the SDK (${encoding}) decodes with its sender, stack and figures`, () => {
    const at = 1_700_000_000_123;
    const body = logsExport(RESOURCE, [blockEvent({ timeMs: at })], encoding);
    const out = decodeLogsExport(body, encoding, DEFAULT_DECODE_LIMITS);
    assert.equal(out.accepted, 1);
    assert.equal(out.rejections.total, 0);
    assert.equal(out.batches.length, 1);
    const { sender, events } = out.batches[0]!;
    assert.equal(sender.job, 'shop/api');
    assert.equal(sender.instance, 'i-1');
    assert.deepEqual(events[0], {
      timeMs: at,
      durationMs: 300.5,
      thresholdMs: 100,
      pauseMs: 0.3,
      delayMs: 0.2,
      fingerprint: 'a1b2c3d4e5f60718',
      frames: FRAMES,
    });
  });

  test(`other log records are ignored, unusable block events rejected one by one (${encoding})`, () => {
    const body = logsExport(
      RESOURCE,
      [
        { body: 'an ordinary log line' },
        { eventName: 'something.else', body: 'x' },
        blockEvent({ durationMs: -1 }),
        blockEvent({ fingerprint: 'not hex!' }),
        blockEvent({ frames: 'a string' }),
        blockEvent({ frames: Array.from({ length: 65 }, (_, i) => ({ ...FRAMES[0]!, line: i })) }),
        blockEvent({ frames: [{ function: 'f', file: 'a.js', line: 'x', column: 1 }] }),
        blockEvent(),
      ],
      encoding,
    );
    const out = decodeLogsExport(body, encoding, DEFAULT_DECODE_LIMITS);
    assert.equal(out.ignored, 2);
    assert.equal(out.accepted, 1);
    assert.equal(out.rejections.total, 5);
    const summary = out.rejections.summary();
    for (const what of [
      'loopscope.block.duration_ms must be a finite number >= 0',
      'loopscope.block.fingerprint must be 1 to 64 lowercase hex digits',
      'loopscope.block.frames must be an array of frames',
      'loopscope.block.frames must be an array of at most 64 frames',
      'loopscope.block.frames[0].line must be a whole number >= 0',
    ]) {
      assert.ok(summary.includes(what), `${what} in ${summary}`);
    }
    assert.match(summary, /resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[2\]/);
  });
}

test('a block event with no frames (native code, or JavaScript already resumed) is accepted', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    const body = logsExport(RESOURCE, [blockEvent({ frames: [] })], encoding);
    const out = decodeLogsExport(body, encoding, DEFAULT_DECODE_LIMITS);
    assert.equal(out.rejections.total, 0, out.rejections.summary());
    assert.equal(out.accepted, 1);
    assert.deepEqual(out.batches[0]!.events[0]!.frames, []);
  }
});

test('an unreadable body is an OtlpDecodeError saying what failed', () => {
  assert.throws(
    () => decodeLogsExport(Buffer.from([0x0a, 0xff, 0xff]), 'protobuf', DEFAULT_DECODE_LIMITS),
    (err: unknown) =>
      err instanceof OtlpDecodeError &&
      /invalid protobuf ExportLogsServiceRequest/.test(err.message),
  );
  assert.throws(
    () => decodeLogsExport(Buffer.from('{"resourceLogs": 3}'), 'json', DEFAULT_DECODE_LIMITS),
    (err: unknown) =>
      err instanceof OtlpDecodeError && /expected an array.*resourceLogs/.test(err.message),
  );
});

test('a resource without a usable identity rejects its block events, not the export', () => {
  const body = logsExport(
    { 'service.name': 'api', 'service.instance.id': 'x'.repeat(5000) },
    [blockEvent(), blockEvent()],
    'json',
  );
  const out = decodeLogsExport(body, 'json', DEFAULT_DECODE_LIMITS);
  assert.equal(out.accepted, 0);
  assert.equal(out.rejections.total, 2);
  assert.match(out.rejections.summary(), /service\.instance\.id is 5000 characters long/);
});
