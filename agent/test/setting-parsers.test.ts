// Key=value lists are user data: names that are also Object.prototype's
// members stay ordinary keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValueList } from '../src/setting-parsers.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

test('OTEL_RESOURCE_ATTRIBUTES-style lists keep __proto__, constructor, toString, hasOwnProperty as keys', () => {
  const out = parseKeyValueList(NAMES.map((n) => `${n}=v-${n}`).join(','), 'TEST');
  assert.deepEqual(Object.entries(out).sort(), NAMES.map((n) => [n, `v-${n}`]).sort());
  assert.equal(Object.getPrototypeOf(out), null, 'no prototype to reach through');
});

test('an options object with those keys is copied key by key', () => {
  const given = JSON.parse('{"__proto__":"a","constructor":"b","toString":"c"}') as Record<
    string,
    string
  >;
  const out = parseKeyValueList(given, 'option resourceAttributes');
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'constructor', 'toString']);
  assert.equal(Object.getOwnPropertyDescriptor(out, 'toString')?.value, 'c');
});
