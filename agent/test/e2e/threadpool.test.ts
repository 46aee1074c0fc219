/**
 * Thread-pool saturation end to end over OTLP/JSON: pool of 4, 8 jobs of
 * ~20 ms pbkdf2 kept running, then an idle pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@loopscope/testkit';
import { METRICS } from '../../src/names.js';
import { reports, startAgentChild } from '../helpers/agent-child.js';
import { histogramDelta, histogramPoint, quantile } from '../helpers/histogram.js';
import { metricsOf, startReceiver, type ReceivedExport } from '../helpers/receiver.js';

const queueDelayIn = (e: ReceivedExport) =>
  metricsOf(e).find((m) => m.name === METRICS.threadpoolQueueDelay.name);

// Margins for a loaded machine; the tight figure (idle p99 < 2 ms) is a goal of
// `npm run bench -- accuracy`.
test('saturated pool: queue_delay p50 >= 5 ms and >= 10x the idle p50; idle pool: p99 < 20 ms (OTLP/JSON)', async (t) => {
  const receiver = await startReceiver(t);
  const child = startAgentChild(t, 'pool.js', {
    endpoint: receiver.url,
    env: {
      UV_THREADPOOL_SIZE: '4',
      JOB_MS: '20',
      SATURATE_MS: '6000',
      IDLE_MS: '7500',
      LOOPSCOPE_THREADPOOL_PROBE_INTERVAL_MS: '100',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    },
  });
  await child.waitForOutput(/"phase":"done"/, 45_000);
  const doneAt = Date.now();
  await waitFor(() => receiver.exports.some((e) => e.at > doneAt + 100), {
    what: 'the last export',
  });
  assert.ok(receiver.exports.every((e) => e.encoding === 'json'));

  const phases = reports<{ phase?: string; at?: number }>(child);
  const endAt = phases.find((p) => p.phase === 'saturation-end')!.at!;
  const withProbes = receiver.exports.filter((e) => queueDelayIn(e));
  const saturatedExport = withProbes.filter((e) => e.at <= endAt).at(-1);
  assert.ok(saturatedExport, 'an export during saturation');
  const saturated = histogramPoint(queueDelayIn(saturatedExport));
  const p50 = quantile(saturated, 0.5);
  t.diagnostic(`saturated: ${saturated.count} probes, p50 ${(p50 * 1000).toFixed(1)} ms`);
  assert.ok(saturated.count >= 5, `${saturated.count} probes`);
  // Over 20x the idle p50 (0.25 ms); beside a CPU hog and two other suites it read 9.5 ms once.
  assert.ok(p50 >= 0.005, `saturated p50 ${(p50 * 1000).toFixed(1)} ms`);

  // Idle: three 2 s windows from a second after the jobs stopped. A probe's round trip
  // needs a pool thread and the main thread scheduled; when neighbours keep both cores
  // of a shared machine busy that takes milliseconds, so the quietest window decides.
  const idle = withProbes.filter((e) => e.at >= endAt + 1000);
  assert.ok(idle.length >= 13, `${idle.length} idle exports`);
  const windows = [0, 4, 8].map((i) =>
    histogramDelta(
      histogramPoint(queueDelayIn(idle[i + 4]!)),
      histogramPoint(queueDelayIn(idle[i]!)),
    ),
  );
  for (const w of windows) {
    t.diagnostic(
      `idle window: ${w.count} probes, p50 ${(quantile(w, 0.5) * 1000).toFixed(2)} ms, p99 ${(quantile(w, 0.99) * 1000).toFixed(2)} ms`,
    );
    assert.ok(w.count >= 15, `${w.count} idle probes`);
  }
  // Under heavy load (load average 14 on 2 cores) one window read p50 5 ms, p99 28 ms;
  // a probe that waited for a tick or a busy pool would read tens of ms in every window.
  const idleP50 = Math.min(...windows.map((w) => quantile(w, 0.5)));
  assert.ok(idleP50 < 0.005, `idle p50 ${(idleP50 * 1000).toFixed(2)} ms`);
  const p99 = Math.min(...windows.map((w) => quantile(w, 0.99)));
  assert.ok(p99 < 0.02, `idle p99 ${(p99 * 1000).toFixed(2)} ms`);
  assert.ok(
    p50 >= 10 * idleP50,
    `saturated p50 ${(p50 * 1000).toFixed(1)} ms vs idle p50 ${(idleP50 * 1000).toFixed(2)} ms`,
  );

  const size = receiver.latest(METRICS.threadpoolSize.name);
  assert.equal(size?.type === 'gauge' ? size.points[0]?.value : undefined, 4);
});
