// The busy-loop store's bounds: events per instance, instances, bytes
// (oldest instance evicted first) and retention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusyStore, busyEventBytes, DEFAULT_BUSY_STORE } from '../../src/store/busy.js';
import type { BusyEvent } from '../../src/otlp/busy-model.js';
import type { Sender } from '../../src/otlp/model.js';

const sender = (instance: string): Sender => ({ job: 'shop/api', instance, attributes: {} });
const event = (timeMs: number, fileLength = 10): BusyEvent => ({
  timeMs,
  durationMs: 5000,
  utilization: 0.95,
  thresholdUtilization: 0.9,
  samples: 8,
  hottestSamples: 6,
  fingerprint: 'aa',
  label: 'crunch (app.js:2)',
  caller: undefined,
  hottest: [{ fingerprint: 'aa', label: 'crunch (app.js:2)', samples: 6 }],
  frames: [{ function: 'crunch', file: 'x'.repeat(fileLength), line: 2, column: 1 }],
});

test('keeps the last maxRecent events of an instance, newest first', () => {
  const store = new BusyStore({ ...DEFAULT_BUSY_STORE, maxRecent: 3 });
  store.add(
    sender('a'),
    [1, 2, 3, 4, 5].map((t) => event(t)),
    0,
  );
  assert.deepEqual(
    store.select('shop/api', 'a', 0).map((e) => e.timeMs),
    [5, 4, 3],
  );
  assert.equal(store.bytes, 3 * busyEventBytes(event(0)));
});

test('evicts the instance heard from least recently beyond maxInstances or maxBytes', () => {
  const counted = new BusyStore({ ...DEFAULT_BUSY_STORE, maxInstances: 2 });
  counted.add(sender('a'), [event(1)], 0);
  counted.add(sender('b'), [event(1)], 1);
  counted.add(sender('a'), [event(2)], 2);
  counted.add(sender('c'), [event(1)], 3);
  assert.deepEqual(
    counted
      .select('shop/api', undefined, 3)
      .map((e) => e.instance)
      .sort(),
    ['a', 'a', 'c'],
  );
  assert.equal(counted.evictedInstances, 1);

  const one = busyEventBytes(event(0, 100_000));
  const bytes = new BusyStore({ ...DEFAULT_BUSY_STORE, maxBytes: Math.floor(2.5 * one) });
  for (let i = 0; i < 10; i++) bytes.add(sender(`i${i}`), [event(i, 100_000)], i);
  assert.equal(bytes.instanceCount, 2);
  assert.ok(bytes.bytes <= 2.5 * one);
  assert.equal(bytes.evictedInstances, 8);
  assert.deepEqual(
    bytes.select('shop/api', undefined, 10).map((e) => e.instance),
    ['i9', 'i8'],
  );
});

test('forgets instances silent for longer than the retention', () => {
  const store = new BusyStore({ ...DEFAULT_BUSY_STORE, retentionMs: 1000 });
  store.add(sender('a'), [event(1)], 0);
  store.add(sender('b'), [event(1)], 900);
  assert.deepEqual(
    store.select('shop/api', undefined, 1500).map((e) => e.instance),
    ['b'],
  );
  assert.equal(store.bytes, busyEventBytes(event(1)));
});
