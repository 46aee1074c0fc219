/**
 * A collector that accepts an export but rejects some of its points answers
 * with OTLP partial_success; the agent logs the message once per kind of
 * rejection (numbers aside), redacted, and the app runs on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { buildApp, COLLECTOR_METRICS } from '@loopscope/collector';
import { waitFor } from '@loopscope/testkit';
import { startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

/** A real ExportMetricsServiceResponse: partial_success (1) { rejected_data_points (1), error_message (2) }. */
function partialSuccess(rejected: number, message: string): Uint8Array {
  const text = Buffer.from(message);
  assert.ok(text.length < 128 && rejected < 128, 'one-byte varints keep this encoder short');
  const inner = [0x08, rejected, 0x12, text.length, ...text];
  return Uint8Array.from([0x0a, inner.length, ...inner]);
}

const TYPE_CONFLICT = (n: number): string =>
  `${n} points of nodejs.eventloop.delay rejected: type_conflict (registered as a histogram)`;
const count = (text: string, pattern: RegExp): number =>
  text.split('\n').filter((l) => pattern.test(l)).length;

test('partial_success: logged once per kind of rejection, the app keeps running', async (t) => {
  const receiver = await startReceiver(t, 0, {
    // Exports 0-5: one kind with changing counts; from 6 on, a second kind.
    protobufAnswer: (n) =>
      n < 6
        ? partialSuccess(3 + (n % 3), TYPE_CONFLICT(3 + (n % 3)))
        : partialSuccess(1, 'sender Bearer s3cr3t-value: 1 point too far in the future'),
  });
  const child = startAgentChild(t, 'signals.js', {
    endpoint: receiver.url,
    env: {
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t-value',
    },
  });
  await child.waitForOutput(/"phase":"ready"/);
  await receiver.waitForExports(10, 60_000);
  const first =
    /\[loopscope\] warn: the collector at .* rejected \d+ data point\(s\) of an export: \d+ points of nodejs\.eventloop\.delay rejected: type_conflict/;
  const second =
    /\[loopscope\] warn: the collector at .* rejected 1 data point\(s\) of an export: .*point too far in the future/;
  await waitFor(() => count(child.stderr(), second) === 1, {
    what: 'the second kind logged',
    timeoutMs: 20_000,
  });
  const before = receiver.exports.length;
  await waitFor(() => receiver.exports.length >= before + 3, {
    what: '3 more exports',
    timeoutMs: 20_000,
  });
  await sleep(300);
  const stderr = child.stderr();
  assert.equal(count(stderr, first), 1, stderr);
  assert.equal(count(stderr, second), 1, stderr);
  assert.doesNotMatch(stderr, /s3cr3t-value/, 'header values are redacted in every message');
  assert.doesNotMatch(stderr, /Unhandled|\n\s+at /);
  assert.equal(child.process.exitCode, null, 'the app is still running');
});

// The OTLP/JSON path logs partial_success as the protobuf path does (before,
// it went to the SDK's diag only). A real collector with room for 3 series
// per sender rejects the rest of the agent's points on every export.
test('partial_success over OTLP/JSON from a real collector: logged once per kind, the app keeps running', async (t) => {
  const collector = buildApp({
    port: 0,
    selfMonitor: false,
    logLevel: 'silent',
    maxSeriesPerSender: 3,
  });
  await collector.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => collector.close());
  const { port } = collector.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const child = startAgentChild(t, 'signals.js', {
    endpoint: url,
    env: { OTEL_METRIC_EXPORT_INTERVAL: '200', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
  });
  await child.waitForOutput(/"phase":"ready"/);
  const partialExports = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${COLLECTOR_METRICS.exports}{result="partial"}`));
    return Number(line?.split(' ').pop() ?? 0);
  };
  await waitFor(async () => (await partialExports()) >= 6, {
    what: '6 exports answered with partial_success',
    timeoutMs: 60_000,
  });
  await sleep(300);
  const stderr = child.stderr();
  const logged = stderr
    .split('\n')
    .filter((l) =>
      /\[loopscope\] warn: the collector at .* rejected \d+ data point\(s\) of an export: /.test(l),
    );
  assert.ok(logged.length >= 1, `the rejection is logged:\n${stderr}`);
  assert.ok(
    logged.some((l) => l.includes('--max-series-per-sender')),
    `the collector's message is quoted:\n${logged.join('\n')}`,
  );
  // Once per kind: no kind (numbers blanked) twice, and fewer lines than rejected exports.
  const kinds = logged.map((l) => l.replace(/\d+(\.\d+)?/g, '#'));
  assert.equal(new Set(kinds).size, kinds.length, logged.join('\n'));
  assert.ok(logged.length < (await partialExports()), logged.join('\n'));
  assert.doesNotMatch(stderr, /Unhandled|\n\s+at /);
  assert.equal(child.process.exitCode, null, 'the app is still running');
});
