// 20 concurrent senders (the official SDK and proto exporter, cumulative
// temporality) send known counter increments and histogram observations;
// the collector restarts while they run. /metrics must equal the exact sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@loopscope/testkit';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { sampleValue, scrape, startCli } from '../helpers/collector.js';

const SENDERS = 20;
/** Upper bound on each sender's steps, whatever the timing. */
const MAX_STEPS = 2000;
const BOUNDS = [0.5, 1, 2];
// Multiples of 0.25 add up exactly in binary floating point, so sums compare with ===.
const VALUES = [0.25, 0.75, 1.5, 3];

interface Expected {
  counter: number;
  buckets: number[];
  sum: number;
  count: number;
}

function startSender(url: string, i: number) {
  const exporter = new OTLPMetricExporter({ url: `${url}/v1/metrics`, timeoutMillis: 200 });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 200,
    exportTimeoutMillis: 200,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'exact', 'service.instance.id': `s-${i}` }),
    readers: [reader],
  });
  const meter = provider.getMeter('exactness');
  const counter = meter.createCounter('work.items', { unit: '{item}' });
  const histogram = meter.createHistogram('work.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BOUNDS },
  });
  const expected: Expected = { counter: 0, buckets: [0, 0, 0, 0], sum: 0, count: 0 };
  let stopped = false;
  const run = async (): Promise<void> => {
    for (let k = 1; k <= MAX_STEPS && !stopped; k++) {
      const inc = ((i + k) % 7) + 1;
      const v = VALUES[(i + k) % VALUES.length]!;
      counter.add(inc);
      histogram.record(v);
      expected.counter += inc;
      expected.sum += v;
      expected.count++;
      const bucket = BOUNDS.findIndex((b) => v <= b);
      expected.buckets[bucket === -1 ? BOUNDS.length : bucket]!++;
      await sleep(25);
    }
  };
  return {
    run,
    stop: () => (stopped = true),
    expected,
    flush: () => reader.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

test('exact sums from 20 concurrent senders, across a collector restart', async (t) => {
  const port = await freePort();
  const first = await startCli(t, [], port);
  const senders = Array.from({ length: SENDERS }, (_, i) => startSender(first.url, i));
  t.after(() => Promise.all(senders.map((s) => s.shutdown())));
  const running = Promise.all(senders.map((s) => s.run()));

  await sleep(500);
  const before = await scrape(first.url);
  assert.ok(
    sampleValue(before, 'loopscope_collector_senders')! > 0,
    'exports arrived before the restart',
  );
  first.child.process.kill('SIGTERM');
  assert.equal(await first.child.exited(), 0);
  const second = await startCli(t, [], port);
  // The senders go on after the restart, then stop.
  await sleep(600);
  for (const s of senders) s.stop();
  await running;
  // Every sender's final cumulative state reaches the restarted collector.
  await Promise.all(senders.map((s) => s.flush()));
  const text = await scrape(second.url);

  let fleetCounter = 0;
  for (let i = 0; i < SENDERS; i++) {
    const labels = `job="exact",instance="s-${i}"`;
    const e = senders[i]!.expected;
    fleetCounter += e.counter;
    assert.equal(sampleValue(text, `work_items_total{${labels}}`), e.counter, `s-${i} counter`);
    let cumulative = 0;
    [...BOUNDS, '+Inf'].forEach((le, b) => {
      cumulative += e.buckets[b]!;
      assert.equal(
        sampleValue(text, `work_duration_seconds_bucket{${labels},le="${String(le)}"}`),
        cumulative,
        `s-${i} le=${String(le)}`,
      );
    });
    assert.equal(sampleValue(text, `work_duration_seconds_count{${labels}}`), e.count);
    assert.equal(sampleValue(text, `work_duration_seconds_sum{${labels}}`), e.sum, `s-${i} sum`);
  }
  const exposed = text
    .split('\n')
    .filter((l) => l.startsWith('work_items_total{'))
    .reduce((a, l) => a + Number(l.split(' ')[1]), 0);
  assert.equal(exposed, fleetCounter, 'fleet total: nothing lost, nothing counted twice');
  assert.equal(
    sampleValue(text, 'loopscope_collector_dropped_points_total{reason="out_of_order"}'),
    0,
  );
});
