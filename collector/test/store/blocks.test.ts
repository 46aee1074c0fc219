import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sender } from '../../src/otlp/model.js';
import type { BlockEvent } from '../../src/otlp/block-model.js';
import { BlockStore } from '../../src/store/blocks.js';
import { blocksView } from '../../src/api/blocks.js';

const T0 = 1_700_000_000_000;
const sender = (instance: string, job = 'shop/api'): Sender => ({ job, instance, attributes: {} });
const event = (fingerprint: string, durationMs: number, timeMs = T0): BlockEvent => ({
  timeMs,
  durationMs,
  thresholdMs: 100,
  pauseMs: 0.2,
  delayMs: 0.1,
  fingerprint,
  frames: [{ function: `f${fingerprint}`, file: '/app/a.js', line: 1, column: 1 }],
});
const options = { maxInstances: 3, maxStacks: 2, maxRecent: 4, retentionMs: 60_000 };

test('stacks are ranked by total stalled time, with counts; recent events newest first', () => {
  const store = new BlockStore(options);
  store.add(
    sender('a'),
    [event('aa', 150, T0), event('bb', 400, T0 + 1), event('aa', 150, T0 + 2)],
    T0,
  );
  const view = blocksView(store, 'shop/api', 'a', 10, T0);
  assert.deepEqual(
    view.stacks.map((s) => [s.fingerprint, s.count, s.totalMs, s.maxMs]),
    [
      ['bb', 1, 400, 400],
      ['aa', 2, 300, 150],
    ],
  );
  assert.deepEqual(
    view.recent.map((e) => e.timeMs),
    [T0 + 2, T0 + 1, T0],
  );
  assert.deepEqual(view.instances, ['a']);
});

test('per instance: only the heaviest stacks and the last events are kept', () => {
  const store = new BlockStore(options);
  store.add(
    sender('a'),
    [event('aa', 500), event('bb', 300), event('cc', 100), event('dd', 200)],
    T0,
  );
  const view = blocksView(store, 'shop/api', 'a', 10, T0);
  assert.deepEqual(
    view.stacks.map((s) => s.fingerprint),
    ['aa', 'bb'],
  );
  assert.equal(view.recent.length, 4);
  store.add(sender('a'), [event('ee', 1, T0 + 5)], T0);
  assert.equal(blocksView(store, 'shop/api', 'a', 10, T0).recent.length, options.maxRecent);
});

test('a job-wide view merges the same stack across instances', () => {
  const store = new BlockStore(options);
  store.add(sender('a'), [event('aa', 100)], T0);
  store.add(sender('b'), [event('aa', 200), event('bb', 250)], T0);
  store.add(sender('c', 'other'), [event('aa', 999)], T0);
  const view = blocksView(store, 'shop/api', undefined, 10, T0);
  assert.equal(view.instance, null);
  assert.deepEqual(
    view.stacks.map((s) => [s.fingerprint, s.count, s.totalMs, s.instances]),
    [
      ['aa', 2, 300, ['a', 'b']],
      ['bb', 1, 250, ['b']],
    ],
  );
  assert.equal(blocksView(store, 'shop/api', undefined, 1, T0).stacks.length, 1, 'limit');
});

test('bounded in instances (least recently heard from goes) and in time', () => {
  const store = new BlockStore(options);
  for (const i of ['a', 'b', 'c', 'd']) store.add(sender(i), [event('aa', 100)], T0);
  assert.equal(store.instanceCount, 3);
  assert.deepEqual(blocksView(store, 'shop/api', 'a', 10, T0).instances, []);
  store.add(sender('b'), [event('aa', 100)], T0 + 50_000);
  assert.deepEqual(
    blocksView(store, 'shop/api', undefined, 10, T0 + 70_000).instances,
    ['b'],
    'c and d were silent longer than the retention',
  );
});
