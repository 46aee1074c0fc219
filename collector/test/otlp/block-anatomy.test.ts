import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_EVENT } from '@loopscope/agent/names';
import { MAX_REQUEST_TEXT, readStallContext } from '../../src/otlp/block-anatomy.js';
import { PointRejected } from '../../src/otlp/errors.js';

const A = BLOCK_EVENT.attributes;
const anatomy = {
  [A.cpuMs]: 10,
  [A.gcMs]: 2,
  [A.cpuWaitMs]: 280,
  [A.throttledMs]: 200,
  [A.offCpuMs]: 10,
  [A.cause]: 'cpu_starved',
};

test('anatomy, request and ids are read; none of them is required', () => {
  assert.deepEqual(readStallContext({}, {}), {});
  const out = readStallContext(
    { ...anatomy, [A.requestsInFlight]: 4, [A.path]: '/a', [A.method]: 'GET' },
    { traceId: 'AB'.repeat(16), spanId: new Uint8Array(8).fill(1) },
  );
  assert.equal(out.anatomy?.cause, 'cpu_starved');
  assert.equal(out.anatomy?.throttledMs, 200);
  assert.deepEqual(out.request, {
    inFlight: 4,
    method: 'GET',
    path: '/a',
    traceId: 'ab'.repeat(16),
    spanId: '0101010101010101',
  });
  assert.equal(readStallContext({}, { traceId: '0'.repeat(32) }).request, undefined);
});

test('hostile values are rejected with what was wrong', () => {
  const bad: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [{ ...anatomy, [A.cause]: 'constructor' }, {}, /must be one of code, gc, cpu_starved, syscall/],
    [{ ...anatomy, [A.cpuMs]: -1 }, {}, /cpu_ms must be a finite number >= 0/],
    [
      { [A.route]: 'x'.repeat(MAX_REQUEST_TEXT + 1) },
      {},
      /http.route must be a string of at most 512/,
    ],
    [{}, { traceId: 'zz' }, /traceId must be 32 hex digits/],
    [{}, { spanId: new Uint8Array(3) }, /spanId must be 8 bytes/],
  ];
  for (const [attrs, record, message] of bad) {
    assert.throws(
      () => readStallContext(attrs as never, record),
      (err: unknown) => err instanceof PointRejected && message.test(err.message),
    );
  }
});
