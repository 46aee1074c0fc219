import { test } from 'node:test';
import assert from 'node:assert/strict';
import { report, reportFailure } from '../src/errors.js';
import { ConfigError } from '../src/setting-parsers.js';

/** The agent's stderr lines written while `fn` runs. */
function stderrOf(fn: () => void): string[] {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return lines;
}

test('a report carries its code and says what happens next', () => {
  assert.deepEqual(
    stderrOf(() => report('LOOPSCOPE_AGENT_FLUSH_TIMEOUT', 'last export did not finish')),
    [
      '[loopscope] warn: last export did not finish (LOOPSCOPE_AGENT_FLUSH_TIMEOUT); shutdown goes on without it\n',
    ],
  );
});

test('a bad setting shows its own code; the failure it caused says what happens next', () => {
  const err = new ConfigError('LOOPSCOPE_X', 'invalid LOOPSCOPE_X="y": expected a number');
  assert.equal(err.code, 'LOOPSCOPE_AGENT_INVALID_SETTING');
  assert.deepEqual(
    stderrOf(() => reportFailure('LOOPSCOPE_AGENT_WATCHDOG_OFF', err)),
    [
      '[loopscope] error: invalid LOOPSCOPE_X="y": expected a number (LOOPSCOPE_AGENT_INVALID_SETTING); the blocked-loop watchdog is off\n',
    ],
  );
  const other = stderrOf(() => reportFailure('LOOPSCOPE_AGENT_START_FAILED', new Error('boom')));
  assert.match(
    other[0] ?? '',
    /error: boom \(LOOPSCOPE_AGENT_START_FAILED\); the agent is not running/,
  );
});

test('a report given a key is said once', () => {
  const lines = stderrOf(() => {
    for (let i = 0; i < 3; i++) report('LOOPSCOPE_AGENT_NO_STACKS', 'no inspector', 'test.once');
  });
  assert.equal(lines.length, 1);
});
