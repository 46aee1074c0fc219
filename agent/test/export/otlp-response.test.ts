import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePartialSuccess } from '../../src/export/otlp-response.js';

test('partial success: rejected count and message; an empty body is a plain success', () => {
  const inner = [0x08, 0x05, 0x12, 0x03, ...Buffer.from('bad')];
  assert.deepEqual(decodePartialSuccess(Uint8Array.from([0x0a, inner.length, ...inner])), {
    partialSuccess: { rejectedDataPoints: 5, errorMessage: 'bad' },
  });
  assert.deepEqual(decodePartialSuccess(new Uint8Array(0)), {});
  // Unknown fields are skipped.
  assert.deepEqual(decodePartialSuccess(Uint8Array.from([0x10, 0x01])), {});
});

test('a truncated body throws (the transport logs it and keeps the export as sent)', () => {
  assert.throws(() => decodePartialSuccess(Uint8Array.from([0x0a, 0x09, 0x08])), RangeError);
  assert.throws(() => decodePartialSuccess(Uint8Array.from([0x08, 0xff])), RangeError);
});
