// Attribute values are user data: names Object.prototype already has must
// stay plain names, and a metric with thousands of distinct values must not
// blow up each sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { History } from '../../src/history/history.js';
import { MAX_VALUES_PER_SAMPLE, OTHER } from '../../src/history/sample.js';
import { FakeSender, times } from '../helpers/fake-sender.js';

const T0 = 1_700_000_000_000;
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

test('resource types named like Object.prototype members are counted as types', () => {
  const history = new History();
  const a = new FakeSender('shop/api', 'a', T0);
  // JSON.parse makes "__proto__" an own key, as a decoded export would.
  const resources = JSON.parse(
    `{${PROTOTYPE_NAMES.map((n, i) => `"${n}": ${i + 1}`).join(',')}}`,
  ) as Record<string, number>;
  history.listener([a.export(T0 + 1000, times(10, 0.001), { resources })], T0 + 1000);
  const sample = history.samples('shop/api', 'a', 0, Infinity)?.at(-1);
  assert.deepEqual(
    Object.entries(sample?.resources ?? {}).sort(),
    PROTOTYPE_NAMES.map((n, i) => [n, i + 1]).sort(),
  );
  const summary = history.services(T0 + 1000)[0]?.instances[0];
  assert.equal(summary?.activeResources, 10);
  // The API serves it as JSON: the names survive the round trip.
  const back = JSON.parse(JSON.stringify(sample)) as { resources: Record<string, number> };
  assert.equal(Object.keys(back.resources).length, 4);
});

test(`a sample keeps the ${MAX_VALUES_PER_SAMPLE} largest attribute values and sums the rest as ${OTHER}`, () => {
  const history = new History();
  const a = new FakeSender('shop/api', 'a', T0);
  const resources = new Map<string, number>();
  for (let i = 0; i < 2000; i++) resources.set(`type-${i}`, i < 5 ? 1000 + i : 1);
  history.listener(
    [a.export(T0 + 1000, times(10, 0.001), { resources: Object.fromEntries(resources) })],
    T0 + 1000,
  );
  const sample = history.samples('shop/api', 'a', 0, Infinity)?.at(-1);
  const kept = sample?.resources ?? {};
  assert.equal(Object.keys(kept).length, MAX_VALUES_PER_SAMPLE);
  for (let i = 0; i < 5; i++) assert.equal(kept[`type-${i}`], 1000 + i, 'the largest are kept');
  const total = [...resources.values()].reduce((x, y) => x + y, 0);
  assert.equal(
    Object.values(kept).reduce((x, y) => x + y, 0),
    total,
    'nothing is lost, only folded',
  );
  assert.equal(kept[OTHER], 2000 - (MAX_VALUES_PER_SAMPLE - 1));
  assert.ok(JSON.stringify(sample).length < 2048, `${JSON.stringify(sample).length} bytes`);
});
