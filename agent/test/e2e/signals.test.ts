/** SIGTERM/SIGINT flush the last export without changing how the app exits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '../../src/names.js';
import { reports, startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`no app handler: ${signal} sends the last export, then the process dies by ${signal} as without the agent`, async (t) => {
    const receiver = await startReceiver(t);
    const child = startAgentChild(t, 'signals.js', {
      endpoint: receiver.url,
      // No periodic export would happen during this test: only the flush.
      env: { OTEL_METRIC_EXPORT_INTERVAL: '600000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' },
    });
    await child.waitForOutput(/"phase":"ready"/);
    await new Promise((r) => setTimeout(r, 300));
    child.process.kill(signal);
    assert.equal(await child.exited(), signal);
    assert.equal(receiver.exports.length, 1);
    assert.ok(receiver.latest(METRICS.eventloopDelay.name), 'the flush carries the samples');
  });
}

test("the app's own SIGTERM handler decides: flushed, and the app exits its own way", async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'signals.js', {
    endpoint: receiver.url,
    env: { APP_HANDLER: '1', OTEL_METRIC_EXPORT_INTERVAL: '600000' },
  });
  await child.waitForOutput(/"phase":"ready"/);
  child.process.kill('SIGTERM');
  assert.equal(await child.exited(), 7);
  assert.deepEqual(
    reports(child).map((r) => r.phase),
    ['ready', 'app-handler'],
  );
  assert.equal(receiver.exports.length, 1);
});

test('collector down at SIGTERM: the process still exits by the signal, within the export timeout', async (t) => {
  const child = startAgentChild(t, 'signals.js', {
    endpoint: 'http://127.0.0.1:9',
    env: { OTEL_METRIC_EXPORT_INTERVAL: '600000', OTEL_METRIC_EXPORT_TIMEOUT: '1500' },
  });
  await child.waitForOutput(/"phase":"ready"/);
  const start = Date.now();
  child.process.kill('SIGTERM');
  assert.equal(await child.exited(), 'SIGTERM');
  assert.ok(Date.now() - start < 4000, `exited after ${Date.now() - start} ms`);
});
