/** Invalid configuration: one clear message naming the variable; the app runs without the agent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reports, startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

const cases: [string, string][] = [
  ['OTEL_METRIC_EXPORT_INTERVAL', '-5'],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318'],
  ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'grpc'],
];

for (const [variable, value] of cases) {
  test(`${variable}=${value}: one message naming it, the app runs and exits normally`, async (t) => {
    const receiver = await startReceiver(t);
    const child = startAgentChild(t, 'plain.js', {
      endpoint: receiver.url,
      env: {
        [variable]: value,
        OTEL_METRIC_EXPORT_INTERVAL: variable === 'OTEL_METRIC_EXPORT_INTERVAL' ? value : '100',
      },
    });
    assert.equal(await child.exited(), 0);
    assert.deepEqual(reports(child), [{ phase: 'done', result: 42 }]);
    const lines = child.stderr().trim().split('\n');
    assert.equal(lines.length, 1, child.stderr());
    assert.match(
      lines[0]!,
      new RegExp(
        `^\\[loopscope\\] error: invalid ${variable}="${value}": expected .*; the agent is not running \\(the application continues without it\\)$`,
      ),
    );
    assert.equal(receiver.exports.length, 0);
  });
}

test('OTEL_SDK_DISABLED=true: silent, no export', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'plain.js', {
    endpoint: receiver.url,
    env: { OTEL_SDK_DISABLED: 'true', OTEL_METRIC_EXPORT_INTERVAL: '50' },
  });
  assert.equal(await child.exited(), 0);
  assert.equal(child.stderr(), '');
  assert.equal(receiver.exports.length, 0);
});

test('a typo in a LOOPSCOPE_ variable is reported, the agent still runs', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'signals.js', {
    endpoint: receiver.url,
    env: { LOOPSCOPE_THREADPOOL_PROBE_INTERVAL: '100', OTEL_METRIC_EXPORT_INTERVAL: '100' },
  });
  await receiver.waitForExports(1);
  assert.match(
    child.stderr(),
    /warn: ignoring unknown setting\(s\) LOOPSCOPE_THREADPOOL_PROBE_INTERVAL;/,
  );
});
