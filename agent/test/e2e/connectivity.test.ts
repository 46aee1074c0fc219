/** An unreachable collector is one message per state change, never a crash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitFor } from '@loopscope/testkit';
import { startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

const count = (text: string, pattern: RegExp): number =>
  text.split('\n').filter((l) => pattern.test(l)).length;

test('collector down, up, down again: logged once per change, exports resume, the app keeps running', async (t) => {
  const port = await freePort();
  const child = startAgentChild(t, 'signals.js', {
    endpoint: `http://127.0.0.1:${port}`,
    env: { OTEL_METRIC_EXPORT_INTERVAL: '200' },
  });
  await child.waitForOutput(/"phase":"ready"/);
  const failed =
    /\[loopscope\] warn: metrics export to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics failed: .*ECONNREFUSED/;
  await child.waitForOutput(failed);
  await sleep(1500); // ~7 more failed exports
  assert.equal(count(child.stderr(), failed), 1, child.stderr());

  const receiver = await startReceiver(t, port);
  await receiver.waitForExports(2);
  const recovered = /\[loopscope\] info: metrics export to .* works again/;
  await child.waitForOutput(recovered);

  await receiver.close();
  await waitFor(() => count(child.stderr(), failed) === 2, { what: 'the second failure message' });
  await sleep(1000);
  assert.equal(count(child.stderr(), failed), 2, child.stderr());
  assert.equal(count(child.stderr(), recovered), 1, child.stderr());
  assert.equal(child.process.exitCode, null, 'the app is still running');
  assert.doesNotMatch(child.stderr(), /Unhandled|\n\s+at /);
});
