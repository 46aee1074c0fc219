import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DELAY_BUCKETS_SECONDS, METRICS } from '@loopscope/agent/names';
import { decodeMetricsRequest } from '../../src/otlp/metrics.js';
import { History } from '../../src/history/history.js';
import { serialize, sdkHarness } from '../helpers/sdk.js';

// The same path as production: a real SDK histogram, the exporters' own
// serializer, the collector's decoder, then the history.
for (const temporality of ['cumulative', 'delta'] as const) {
  test(`interval p99 and max from a real SDK histogram (${temporality})`, async () => {
    const sdk = sdkHarness({ 'service.name': 'api', 'service.instance.id': 'i-1' }, temporality);
    const delay = sdk.meter.createHistogram(METRICS.eventloopDelay.name, {
      unit: METRICS.eventloopDelay.unit,
      advice: { explicitBucketBoundaries: [...DELAY_BUCKETS_SECONDS] },
    });
    const history = new History();
    const now = Date.now();
    const intervals = [
      Array<number>(200).fill(0.002),
      [...Array<number>(190).fill(0.002), ...Array<number>(10).fill(0.4)],
      Array<number>(200).fill(0.002),
    ];
    for (const [i, values] of intervals.entries()) {
      for (const v of values) delay.record(v);
      const body = serialize(await sdk.collect(), 'protobuf');
      history.listener(decodeMetricsRequest(body, 'protobuf'), now + i * 1000);
    }
    const samples = history.samples('api', 'i-1', 0, Infinity) ?? [];
    const stats = samples.map((s) => s.loopDelay);
    assert.equal(stats.length, 3);
    assert.ok((stats[0]?.p99 ?? 1) <= 0.002, `quiet p99 ${stats[0]?.p99}`);
    assert.ok((stats[1]?.p99 ?? 0) > 0.3, `stalled p99 ${stats[1]?.p99}`);
    assert.equal(stats[1]?.max, 0.4);
    assert.ok((stats[2]?.p99 ?? 1) <= 0.002, `recovered p99 ${stats[2]?.p99}`);
    assert.ok((stats[2]?.max ?? 1) <= 0.002, `recovered max ${stats[2]?.max}`);
    await sdk.provider.shutdown();
  });
}
