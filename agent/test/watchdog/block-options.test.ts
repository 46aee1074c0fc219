import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/setting-parsers.js';
import {
  BLOCK_DEFAULTS,
  REQUEST_CONTEXT_DEFAULT,
  resolveBlockOptions,
} from '../../src/watchdog/block-options.js';

const requestContext = REQUEST_CONTEXT_DEFAULT;

test('defaults: 100 ms threshold, 10 captures per minute', () => {
  assert.deepEqual(resolveBlockOptions({}, {}), BLOCK_DEFAULTS);
  assert.deepEqual(BLOCK_DEFAULTS, { thresholdMs: 100, maxCapturesPerMinute: 10, requestContext });
  assert.equal(REQUEST_CONTEXT_DEFAULT, Number(process.versions.node.split('.')[0]) >= 24);
});

test('environment variables, and code options over them', () => {
  const env = { LOOPSCOPE_BLOCK_THRESHOLD_MS: '250', LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN: '3' };
  assert.deepEqual(resolveBlockOptions({}, env), {
    thresholdMs: 250,
    maxCapturesPerMinute: 3,
    requestContext,
  });
  assert.deepEqual(
    resolveBlockOptions({ blockThresholdMs: 50, blockMaxCapturesPerMinute: 0 }, env),
    {
      thresholdMs: 50,
      maxCapturesPerMinute: 0,
      requestContext,
    },
  );
  assert.equal(
    resolveBlockOptions({}, { LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'true' }).requestContext,
    true,
  );
  assert.equal(
    resolveBlockOptions({ blockRequestContext: false }, { LOOPSCOPE_BLOCK_REQUEST_CONTEXT: '1' })
      .requestContext,
    false,
  );
  assert.throws(
    () => resolveBlockOptions({}, { LOOPSCOPE_BLOCK_REQUEST_CONTEXT: 'maybe' }),
    /LOOPSCOPE_BLOCK_REQUEST_CONTEXT/,
  );
  assert.equal(
    resolveBlockOptions({}, { LOOPSCOPE_BLOCK_THRESHOLD_MS: '0' }).thresholdMs,
    0,
    '0 is off',
  );
  assert.equal(
    resolveBlockOptions({}, { LOOPSCOPE_BLOCK_THRESHOLD_MS: ' ' }).thresholdMs,
    100,
    'blank is unset',
  );
});

test('bad values name the variable or option and what is expected', () => {
  const cases: [Parameters<typeof resolveBlockOptions>[0], Record<string, string>, RegExp][] = [
    [
      {},
      { LOOPSCOPE_BLOCK_THRESHOLD_MS: '100ms' },
      /invalid LOOPSCOPE_BLOCK_THRESHOLD_MS="100ms": expected a number of milliseconds/,
    ],
    [{}, { LOOPSCOPE_BLOCK_THRESHOLD_MS: '-1' }, /LOOPSCOPE_BLOCK_THRESHOLD_MS/],
    [
      {},
      { LOOPSCOPE_BLOCK_THRESHOLD_MS: '5' },
      /LOOPSCOPE_BLOCK_THRESHOLD_MS=5: expected 0 \(off\) or 10 to 600000/,
    ],
    [{ blockThresholdMs: Number.NaN }, {}, /option blockThresholdMs/],
    [
      {},
      { LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN: '2.5' },
      /LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN="2.5": expected a whole number from 0 to 600/,
    ],
    [{ blockMaxCapturesPerMinute: 1000 }, {}, /option blockMaxCapturesPerMinute=1000/],
  ];
  for (const [code, env, message] of cases) {
    assert.throws(
      () => resolveBlockOptions(code, env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});
