// A stopped sender's series, and its liveness metric, disappear after
// --expire-after; a sender that keeps exporting stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@loopscope/testkit';
import { METRICS } from '@loopscope/agent/names';
import { promNameOf } from '../../src/prometheus/name.js';
import { COLLECTOR_METRICS } from '../../src/self-metric-names.js';
import { sampleValue, scrape, startCli } from '../helpers/collector.js';
import { startAgentApp } from '../helpers/agents.js';

const DELAY = promNameOf(METRICS.eventloopDelay);

test('a stopped sender expires after --expire-after, with its liveness metric', async (t) => {
  const c = await startCli(t, ['--expire-after', '1500ms']);
  const [leaving] = await Promise.all([
    startAgentApp(t, c.url, { service: 'expiry', instance: 'leaving', intervalMs: 200 }),
    startAgentApp(t, c.url, { service: 'expiry', instance: 'staying', intervalMs: 200 }),
  ]);
  const has = (text: string, instance: string): boolean => text.includes(`instance="${instance}"`);
  await waitFor(
    async () => {
      const text = await scrape(c.url);
      return has(text, 'leaving') && has(text, 'staying');
    },
    { what: 'both senders in /metrics', timeoutMs: 30_000 },
  );

  // The agent flushes on SIGTERM, then lets the signal end the app.
  await leaving.child.stop('SIGTERM');
  const stoppedAt = Date.now();
  // Still there right after the stop: expiry is not eager.
  assert.ok(has(await scrape(c.url), 'leaving'));
  const text = await waitFor(
    async () => {
      const body = await scrape(c.url);
      return !has(body, 'leaving') && body;
    },
    { what: 'the stopped sender to expire', timeoutMs: 15_000, intervalMs: 100 },
  );
  const gone = Date.now() - stoppedAt;
  assert.ok(gone >= 1000, `expired after ${gone} ms, not before --expire-after`);
  assert.ok(!text.includes(`${COLLECTOR_METRICS.senderLastSeen}{job="expiry",instance="leaving"}`));
  assert.match(
    text,
    new RegExp(`^${COLLECTOR_METRICS.senderLastSeen}\\{job="expiry",instance="staying"\\}`, 'm'),
  );
  assert.ok(text.includes(`${DELAY}_count{job="expiry",instance="staying"`));
  assert.ok(sampleValue(text, COLLECTOR_METRICS.expiredSeries)! > 0);
  assert.equal(sampleValue(text, COLLECTOR_METRICS.senders), 1);
});
