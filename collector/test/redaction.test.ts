/** The collector's own log lines mask URL credentials and tokens, as the agent's do. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess } from './helpers/collector.js';

test('a log message with a URL password and a bearer token is written masked', async (t) => {
  const { app, logs } = await startInProcess(t);
  app.log.warn('remote write to https://bob:hunter2-pw@vm.example/api/v1/write failed');
  app.log.error({ target: 'x' }, 'sent authorization: Bearer s3cr3t-T0ken-42');
  const text = logs.join('');
  assert.match(text, /https:\/\/\*\*\*@vm\.example/);
  assert.match(text, /Bearer \*\*\*/);
  assert.ok(!text.includes('hunter2-pw') && !text.includes('s3cr3t-T0ken-42'), text);
});
