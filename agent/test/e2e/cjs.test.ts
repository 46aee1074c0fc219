/** CommonJS apps: zero-code with --import, and programmatic through await import(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

test('a CommonJS app with --import @loopscope/agent/register exports metrics', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'cjs-app.cjs', {
    endpoint: receiver.url,
    env: { OTEL_METRIC_EXPORT_INTERVAL: '200', OTEL_SERVICE_NAME: 'cjs-zero-code' },
  });
  await child.waitForOutput(/"cjs":true/);
  await receiver.waitForExports(1);
  assert.equal(receiver.exports[0]!.resourceMetrics[0]!.sender.job, 'cjs-zero-code');
});

test('a CommonJS app starting the agent with await import()', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'cjs-app.cjs', {
    noRegister: true,
    endpoint: receiver.url,
    env: { START: '1', OTEL_METRIC_EXPORT_INTERVAL: '200' },
  });
  await child.waitForOutput(/"cjs":true/);
  await receiver.waitForExports(1);
  assert.equal(receiver.exports[0]!.resourceMetrics[0]!.sender.job, 'cjs-programmatic');
});
