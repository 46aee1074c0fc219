/**
 * A loop kept busy by chunks shorter than the block threshold: no block
 * event, but one busy-loop event naming the chunk's function, exported over
 * real OTLP/HTTP (JSON, so the test reads it without a decoder) from a child
 * app with the agent loaded. Idle and merely periodic work send none.
 *
 * Margins (2 loaded cores): the busy run lasts 8 s and the event is expected
 * after ~5 s + 8 samples of ~250 ms; the test waits up to 40 s for it, and
 * the negative cases watch 12 s, more than the whole busy run would need.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@loopscope/testkit';
import { BUSY_EVENT } from '../../src/names.js';
import { startAgentChild } from '../helpers/agent-child.js';

interface JsonValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonValue[] };
  kvlistValue?: { values?: { key: string; value: JsonValue }[] };
}
interface JsonRecord {
  eventName?: string;
  body?: JsonValue;
  attributes?: { key: string; value: JsonValue }[];
}

/** A receiver of OTLP/JSON: metrics are acknowledged, log records kept. */
async function startLogsReceiver(t: TestContext): Promise<{ url: string; records: JsonRecord[] }> {
  const records: JsonRecord[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/logs') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          resourceLogs?: { scopeLogs?: { logRecords?: JsonRecord[] }[] }[];
        };
        for (const rl of body.resourceLogs ?? [])
          for (const sl of rl.scopeLogs ?? []) records.push(...(sl.logRecords ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, records };
}

function attr(record: JsonRecord, key: string): JsonValue | undefined {
  return record.attributes?.find((a) => a.key === key)?.value;
}

const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRIC_EXPORT_INTERVAL: '1000' };
const isBusy = (r: JsonRecord): boolean => r.eventName === BUSY_EVENT.name;

test('70 ms chunks back to back for 8 s: one busy-loop event naming the chunk', async (t) => {
  const receiver = await startLogsReceiver(t);
  const child = startAgentChild(t, 'busy.js', {
    endpoint: receiver.url,
    env: { ...env, BUSY_MODE: 'saturated' },
  });
  await waitFor(() => receiver.records.some(isBusy), {
    what: 'a busy-loop event',
    timeoutMs: 40_000,
    intervalMs: 100,
  }).catch((err: unknown) => {
    throw new Error(
      `${String(err)}; received ${JSON.stringify(receiver.records)}; stderr: ${child.stderr()}`,
    );
  });
  const event = receiver.records.find(isBusy)!;
  const A = BUSY_EVENT.attributes;
  t.diagnostic(`body: ${event.body?.stringValue}`);
  assert.equal(attr(event, A.function)?.stringValue, 'crunchChunk');
  assert.match(String(attr(event, A.label)?.stringValue), /^crunchChunk \(.*busy\.js:\d+\)$/);
  assert.match(String(event.body?.stringValue), /event loop busy \(\d+% for \d+\.\d s/);
  assert.match(String(event.body?.stringValue), /saturated by crunchChunk/);
  const samples = Number(attr(event, A.samples)?.intValue);
  const hottest = Number(attr(event, A.hottestSamples)?.intValue);
  assert.ok(samples >= 1 && samples <= 8, `${samples} samples (at most 8 per busy period)`);
  assert.ok(hottest >= 1 && hottest <= samples);
  const utilization = attr(event, A.utilization)?.doubleValue ?? 0;
  assert.ok(utilization >= 0.9 && utilization <= 1, `utilization ${utilization}`);
  assert.ok(Number(attr(event, A.durationMs)?.intValue) >= 5000, 'busy for at least 5 s first');
  const frames = attr(event, A.frames)?.arrayValue?.values ?? [];
  const functions = frames.map(
    (f) => f.kvlistValue?.values?.find((v) => v.key === 'function')?.value.stringValue,
  );
  assert.deepEqual(functions.slice(0, 2), ['crunchChunk', 'handleLogin']);
  // No assertion on block events: on a loaded machine a neighbour can stretch one chunk past
  // the 100 ms threshold, and the watchdog then rightly reports that stall.
  await child.waitForOutput(/"phase":"done"/, 30_000);
  await sleep(2500);
  assert.equal(receiver.records.filter(isBusy).length, 1, 'one event per busy period');
  assert.equal(child.process.exitCode, null, 'the app is still running');
});

for (const mode of ['idle', 'spaced'] as const) {
  test(`${mode}: no busy-loop event`, async (t) => {
    const receiver = await startLogsReceiver(t);
    const child = startAgentChild(t, 'busy.js', {
      endpoint: receiver.url,
      env: { ...env, BUSY_MODE: mode },
    });
    await child.waitForOutput(/"phase":"busy"/, 20_000);
    await sleep(12_000);
    assert.deepEqual(receiver.records.filter(isBusy), []);
    assert.equal(child.process.exitCode, null, 'the app is still running');
  });
}
