import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs } from '../../src/prometheus/duration.js';

test('every Prometheus duration, units largest first, each once', () => {
  assert.equal(durationMs('1h30m'), 5_400_000);
  assert.equal(durationMs('90s'), 90_000);
  assert.equal(durationMs('500ms'), 500);
  assert.equal(durationMs('1m30s500ms'), 90_500);
  assert.equal(durationMs('2d'), 172_800_000);
  assert.equal(durationMs('1w'), 604_800_000);
  assert.equal(durationMs('1y'), 31_536_000_000);
  assert.equal(durationMs('0'), 0);
  assert.equal(durationMs('0s'), 0);
  for (const bad of ['', '1', '30m1h', '1h1h', '1.5m', '-1s', '1 h', 's', '1sec', '1m 30s']) {
    assert.equal(durationMs(bad), undefined, bad);
  }
});

test('one decimal value with one unit only where asked (the collector flags)', () => {
  assert.equal(durationMs('1.5m', { decimal: true }), 90_000);
  assert.equal(durationMs('0.5s', { decimal: true }), 500);
  assert.equal(durationMs('1.5m1s', { decimal: true }), undefined);
  assert.equal(durationMs('1h30m', { decimal: true }), 5_400_000);
});
