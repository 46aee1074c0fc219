import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, parseGate } from '../../src/analysis/baseline.js';
import type { Report } from '../../src/analysis/report.js';

function report(
  p95: number,
  rps: number,
  errorRate: number,
  dropped = 0,
  loop: number | null = null,
  names: [string, number][] = [],
): Report {
  const latency = {
    count: 100,
    avg: p95 / 2,
    min: 1,
    p50: p95 / 2,
    p90: p95 * 0.9,
    p95,
    p99: p95 * 1.5,
    max: p95 * 2,
  };
  return {
    overall: { key: 'all', requests: 100, rps, errors: 0, errorRate, latency, dropped },
    byName: names.map(([key, p]) => ({
      key,
      requests: 10,
      rps: 1,
      errors: 0,
      errorRate: 0,
      latency: { ...latency, p95: p },
    })),
    server: loop === null ? null : { peaks: { loopDelayP99: loop, poolDelayP99: null } },
  } as unknown as Report;
}

test('a p95 rise beyond its gate and a throughput drop are regressions; small changes are not', () => {
  const c = compareRuns(report(115, 85, 0.001), report(100, 100, 0.001), 'base.json');
  const byKey = new Map(c.results.map((r) => [r.key, r]));
  assert.equal(byKey.get('p95')?.regressed, true);
  assert.equal(byKey.get('p95')?.changePct, 15);
  assert.equal(byKey.get('rps')?.regressed, true);
  assert.equal(byKey.get('error_rate')?.regressed, false);
  assert.equal(c.regressed, true);
  const ok = compareRuns(report(105, 98, 0.001), report(100, 100, 0.001), 'base.json');
  assert.equal(ok.regressed, false);
});

test('gates can be widened or switched off; improvements never fail', () => {
  assert.equal(
    compareRuns(report(115, 100, 0), report(100, 100, 0), 'b', { p95: 20, p99: 20 }).regressed,
    false,
  );
  assert.equal(
    compareRuns(report(300, 100, 0), report(100, 100, 0), 'b', { p95: Infinity, p99: Infinity })
      .regressed,
    false,
  );
  assert.equal(compareRuns(report(50, 200, 0), report(100, 100, 0), 'b').regressed, false);
});

test('from zero: new dropped iterations regress, errors under the noise floor do not', () => {
  const c = compareRuns(report(100, 100, 0.0005, 3), report(100, 100, 0, 0), 'b');
  const byKey = new Map(c.results.map((r) => [r.key, r]));
  assert.equal(byKey.get('dropped')?.changePct, Infinity);
  assert.equal(byKey.get('dropped')?.regressed, true);
  assert.equal(byKey.get('error_rate')?.regressed, false);
});

test('per-name p95 and server loop delay are gated when both runs have them', () => {
  const c = compareRuns(
    report(100, 100, 0, 0, 80, [
      ['ok', 10],
      ['pbkdf2', 200],
    ]),
    report(100, 100, 0, 0, 40, [
      ['ok', 5],
      ['pbkdf2', 205],
    ]),
    'b',
  );
  const byKey = new Map(c.results.map((r) => [r.key, r]));
  assert.equal(byKey.get('p95{ok}')?.regressed, true);
  assert.equal(byKey.get('p95{pbkdf2}')?.regressed, false);
  assert.equal(byKey.get('loop_p99')?.regressed, true);
  assert.equal(byKey.has('pool_p99'), false);
});

test('--gate syntax', () => {
  assert.deepEqual(parseGate('p95=15'), ['p95', 15]);
  assert.deepEqual(parseGate('dropped=off'), ['dropped', Infinity]);
  assert.throws(() => parseGate('latency=5'), /KEY one of p95, p99/);
  assert.throws(() => parseGate('p95'), /KEY=PERCENT/);
});
