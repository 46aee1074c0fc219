/** Active resources and GC, end to end over OTLP/protobuf. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@loopscope/testkit';
import { ATTR, METRICS } from '../../src/names.js';
import { reports, startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

test('10,000 open sockets are reported as v8js.resource.active{TCPSocketWrap}', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'sockets.js', {
    endpoint: receiver.url,
    env: { CONNECTIONS: '5000', OTEL_METRIC_EXPORT_INTERVAL: '300' },
  });
  await child.waitForOutput(/"phase":"open"/, 30_000);
  const sockets = await waitFor(
    () => {
      const m = receiver.latest(METRICS.resourceActive.name);
      const p =
        m?.type === 'gauge'
          ? m.points.find((x) => x.attributes[ATTR.resourceType] === 'TCPSocketWrap')
          : undefined;
      return p && p.value >= 10_000 ? p.value : undefined;
    },
    { what: '10,000 TCPSocketWrap', timeoutMs: 10_000 },
  );
  assert.ok(sockets >= 10_000);
});

test('GC: every forced collection and every minor GC of a batch arrives in v8js.gc.duration', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'gc.js', {
    endpoint: receiver.url,
    nodeArgs: ['--expose-gc', '--max-semi-space-size=1'],
    env: { FORCED: '20', OTEL_METRIC_EXPORT_INTERVAL: '300' },
  });
  await child.waitForOutput(/"phase":"done"/, 30_000);
  const app = reports<{ gcs?: number; forced?: number }>(child).find((r) => r.gcs !== undefined)!;
  const count = (type?: string): number => {
    const m = receiver.latest(METRICS.gcDuration.name);
    if (m?.type !== 'histogram') return 0;
    return m.points
      .filter((p) => !type || p.attributes[ATTR.gcType] === type)
      .reduce((n, p) => n + p.count, 0);
  };
  // The agent observes from before the app's own observer, so it sees at least as many.
  await waitFor(() => count() >= app.gcs!, {
    what: `${app.gcs} GCs in the export`,
    timeoutMs: 10_000,
  });
  assert.ok(app.gcs! > 20, `the app saw ${app.gcs} GCs`);
  assert.ok(count('major') >= 20, `${count('major')} major GCs`);
  assert.ok(count('minor') > 0, 'minor GCs too');
});
