// Slowloris: connections that trickle their bodies must not hold every
// ingest slot. They get 408 after --request-timeout, their slots are freed,
// they count as exports_total{result="timeout"}, and a real agent's export
// (a child process with the agent loaded) gets in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startNode, trickle, waitFor } from '@loopscope/testkit';
import { sampleValue, scrape, startInProcess } from '../helpers/collector.js';

const AGENT = import.meta.resolve('@loopscope/agent/register');
const SLOW = 64;
const TIMEOUT_MS = 3000;

test(`${SLOW} slowloris connections time out, free their slots, and a real agent's export gets in`, async (t) => {
  const c = await startInProcess(t, { requestTimeoutMs: TIMEOUT_MS });
  const port = Number(new URL(c.url).port);
  const gate = c.app.loopscope.ingest.gate;
  const slow = Array.from({ length: SLOW }, () => trickle(port));
  // Before the collector closes (it waits for open requests): in after hooks order is not ours.
  const hangUp = () => slow.forEach((s) => s.socket.destroy());
  try {
    await waitFor(() => gate.inFlight === SLOW, { what: 'every slot taken', timeoutMs: 10_000 });
    const start = performance.now();

    const agent = startNode(['--import', AGENT, '-e', 'setInterval(() => {}, 1000)'], {
      env: {
        OTEL_SERVICE_NAME: 'slowloris-victim',
        OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=victim',
        OTEL_EXPORTER_OTLP_ENDPOINT: c.url,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    });
    t.after(() => agent.stop('SIGKILL'));

    await waitFor(() => c.app.loopscope.store.sender('slowloris-victim', 'victim') !== undefined, {
      what: "the agent's export accepted",
      timeoutMs: TIMEOUT_MS + 20_000,
    });
    const waited = performance.now() - start;
    const answers = await Promise.all(slow.map((s) => s.answer));
    for (const a of answers) assert.match(a, /^HTTP\/1\.1 408 /, a.slice(0, 200));
    assert.match(answers[0]!, /LOOPSCOPE_TIMEOUT: the body did not arrive in time/);
    const text = await scrape(c.url);
    assert.equal(sampleValue(text, 'loopscope_collector_exports_total{result="timeout"}'), SLOW);
    assert.ok(waited >= TIMEOUT_MS - 500, `the slots were held until the timeout (${waited} ms)`);
    assert.ok(gate.inFlight <= 1, `${gate.inFlight} in flight`);
  } finally {
    hangUp();
  }
});

test('a large body on a slow but steady link earns time (--min-body-rate) and is accepted', async (t) => {
  const c = await startInProcess(t, { requestTimeoutMs: 500, minBodyRate: 64 * 1024 });
  const port = Number(new URL(c.url).port);
  const chunk = ' '.repeat(32 * 1024);
  const chunks = 8; // 256 KiB over ~1.2 s: more than 500 ms, at ~200 KiB/s
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  const closed = new Promise((r) => socket.on('close', r));
  const body = chunk.repeat(chunks - 1) + `{"resourceMetrics":[]}`.padEnd(chunk.length);
  socket.write(
    `POST /v1/metrics HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`,
  );
  for (let i = 0; i < chunks; i++) {
    socket.write(body.slice(i * chunk.length, (i + 1) * chunk.length));
    await new Promise((r) => setTimeout(r, 170));
  }
  await closed;
  assert.match(received, /^HTTP\/1\.1 200 /, received.slice(0, 300));
});
