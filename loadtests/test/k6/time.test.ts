import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvTime, parseRfc3339, parseTimeArg } from '../../src/k6/time.js';

test('RFC 3339 with nanoseconds and an offset keeps the sub-millisecond part', () => {
  const t = parseRfc3339('2023-09-08T21:03:10.549397854+02:00');
  assert.equal(Math.floor(t), Date.parse('2023-09-08T19:03:10.549Z'));
  // A double near 1.7e12 holds about a quarter of a microsecond.
  assert.ok(Math.abs(t - Math.floor(t) - 0.397854) < 1e-3);
  assert.equal(parseRfc3339('2021-02-24T13:37:10Z'), Date.parse('2021-02-24T13:37:10Z'));
  assert.ok(Number.isNaN(parseRfc3339('2021-02-24 13:37')));
});

test('CSV timestamps: seconds, milli-, micro- and nanoseconds told apart by magnitude, or RFC 3339', () => {
  const ms = 1595325560000;
  assert.equal(parseCsvTime('1595325560'), ms);
  assert.equal(parseCsvTime('1595325560000'), ms);
  assert.equal(parseCsvTime('1595325560000000'), ms);
  assert.equal(parseCsvTime('1595325560000000000'), ms);
  assert.equal(parseCsvTime('2020-07-21T09:59:20Z'), ms);
});

test('command-line times: RFC 3339 or Unix seconds', () => {
  assert.equal(parseTimeArg('1595325560'), 1595325560000);
  assert.equal(parseTimeArg('2020-07-21T09:59:20.5Z'), 1595325560500);
  assert.ok(Number.isNaN(parseTimeArg('soon')));
});
