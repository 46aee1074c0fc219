/** What the agent writes on stderr, as an app's logs would show it: no token, no password. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentChild } from '../helpers/agent-child.js';

const TOKEN = 's3cr3t-T0ken-42';
const PASSWORD = 'hunter2-pw';

test('an invalid OTEL_EXPORTER_OTLP_HEADERS is reported without the bearer token', async (t) => {
  const child = startAgentChild(t, 'plain.js', {
    env: { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${TOKEN},oops` },
  });
  await child.waitForOutput(/OTEL_EXPORTER_OTLP_HEADERS/);
  assert.match(child.stderr(), /authorization=\*\*\*/);
  assert.ok(!child.stderr().includes(TOKEN), child.stderr());
});

test('export failures to an endpoint with user:password@ never show the password or the headers', async (t) => {
  const child = startAgentChild(t, 'plain.js', {
    // Port 9 on loopback: the connection is refused at once.
    endpoint: `http://bob:${PASSWORD}@127.0.0.1:9`,
    env: {
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${TOKEN}`,
    },
  });
  await child.waitForOutput(/export to .* failed/, 15_000);
  assert.match(child.stderr(), /http:\/\/\*\*\*@127\.0\.0\.1:9/);
  assert.ok(!child.stderr().includes(PASSWORD), child.stderr());
  assert.ok(!child.stderr().includes(TOKEN), child.stderr());
});
