// SIGTERM with remote write: the queue is flushed before the collector
// exits; what cannot be written within --shutdown-timeout is logged and the
// collector still exits in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startVictoriaMetrics, waitFor } from '@loopscope/testkit';
import { startCli } from '../helpers/collector.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';

async function exportOnce(url: string, service: string): Promise<void> {
  const h = sdkHarness({ 'service.name': service, 'service.instance.id': 'one' });
  h.meter.createCounter('work.items').add(7);
  const res = await fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: serialize(await h.collect(), 'protobuf'),
  });
  assert.equal(res.status, 200);
}

test('SIGTERM flushes the queue into the database before exiting', async (t) => {
  const vm = await startVictoriaMetrics();
  t.after(() => vm.stop());
  const c = await startCli(t, ['--remote-write-url', vm.writeUrl]);
  await exportOnce(c.url, 'flushed');
  assert.equal(await c.child.stop('SIGTERM', 15_000), 0);
  await waitFor(
    async () => Number((await vm.query('work_items_total{job="flushed"}'))[0]?.value?.[1]) === 7,
    { what: 'the export in VictoriaMetrics', timeoutMs: 20_000 },
  );
});

test('SIGTERM with the database down: gives up within --shutdown-timeout and says what was lost', async (t) => {
  const c = await startCli(t, [
    '--remote-write-url',
    `http://127.0.0.1:${await freePort()}/api/v1/write`,
    '--shutdown-timeout',
    '2s',
  ]);
  await exportOnce(c.url, 'lost');
  const started = Date.now();
  const code = await c.child.stop('SIGTERM', 15_000);
  const took = Date.now() - started;
  assert.equal(code, 0);
  assert.ok(took < 5000, `exited after ${took} ms`);
  assert.match(
    c.child.stdout(),
    /samples could not be written to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write within --shutdown-timeout/,
  );
});

test('SIGTERM with the database down and the log reader gone: still exits within --shutdown-timeout', async (t) => {
  // `loopscope-collector | tee log`, then Ctrl-C: the log reader goes while the collector
  // shuts down. With pino's asynchronous stdout, the exit-time flush retried the broken pipe
  // forever (sonic-boom 4): 3 runs of 3 were still running 8 s after SIGTERM.
  const c = await startCli(t, [
    '--remote-write-url',
    `http://127.0.0.1:${await freePort()}/api/v1/write`,
    '--shutdown-timeout',
    '2s',
  ]);
  await exportOnce(c.url, 'reader-gone');
  const started = Date.now();
  c.child.process.kill('SIGTERM');
  await c.child.waitForOutput(/shutting down/);
  c.child.process.stdout?.destroy();
  const code = await Promise.race([
    c.child.exited(),
    sleep(15_000).then(() => 'still running 15 s after SIGTERM'),
  ]);
  assert.equal(code, 0, `exit after ${Date.now() - started} ms`);
});
