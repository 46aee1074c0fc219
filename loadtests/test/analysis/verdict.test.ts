import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseRows } from '../../src/analysis/verdict.js';
import { makeRows, T0 } from '../helpers/rows.js';

/** Deterministic jitter in [0, 1). */
const jitter = (i: number) => ((i * 7919) % 100) / 100;

test('loop blocking: latency and loop delay rise together -> event-loop, with the divergence moment', () => {
  const rows = makeRows(30, (i) =>
    i < 10
      ? { p95: 4 + jitter(i), loop: 2, pool: 1 }
      : { p95: 180 + 20 * jitter(i), loop: 150, loopMax: 210, pool: 152, elu: 0.98 },
  );
  const { verdict, divergence, correlations } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'event-loop');
  assert.equal(verdict.degraded, true);
  assert.match(verdict.summary, /^event-loop blocking/);
  assert.match(verdict.evidence.join('\n'), /event-loop delay p99 reached 150 ms \(max 210 ms\)/);
  assert.match(verdict.evidence.join('\n'), /utilization peaked at 98%/);
  assert.equal(divergence?.t, T0 + 10_000);
  assert.deepEqual(
    divergence?.signals.map((s) => [s.signal, s.leadMs]),
    [
      ['loopDelayP99', 0],
      ['utilization', 0],
    ],
  );
  const r = correlations.find((c) => c.signal === 'loopDelayP99');
  assert.ok((r?.r ?? 0) > 0.9, `r = ${r?.r}`);
  assert.equal(r?.n, 30);
});

test('thread-pool saturation: slow requests, pool probe waits, loop free -> thread-pool', () => {
  const rows = makeRows(30, (i) =>
    i < 8
      ? { p95: 6 + jitter(i), loop: 3, pool: 2 }
      : { p95: 300 + 100 * jitter(i), loop: 6, pool: 250 + 50 * jitter(i) },
  );
  const { verdict } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'thread-pool');
  assert.match(verdict.summary, /^thread-pool saturation/);
  assert.match(
    verdict.evidence.join('\n'),
    /thread-pool queue delay p99 reached \d+ ms while event-loop delay p99 peaked at 6\.00 ms/,
  );
  assert.ok(verdict.scores.pool > 0.9);
  assert.equal(verdict.scores.loop, 0);
});

test('on two cores the pool also slows the loop a little: the pool still wins', () => {
  const rows = makeRows(20, (i) =>
    i < 5 ? { p95: 5, loop: 3, pool: 2 } : { p95: 350, loop: 40, pool: 300, elu: 0.7 },
  );
  assert.equal(analyseRows(rows).verdict.bottleneck, 'thread-pool');
});

test('the pool probe waiting only as long as the blocked loop is not pool saturation', () => {
  const rows = makeRows(20, (i) => (i < 5 ? { p95: 5 } : { p95: 120, loop: 90, pool: 110 }));
  const { verdict } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'event-loop');
  assert.equal(verdict.scores.pool, 0);
});

test('a clean run with jitter and one noisy second is judged clean', () => {
  const rows = makeRows(40, (i) => ({
    p95: i === 17 ? 45 : 3 + 5 * jitter(i),
    loop: 1 + 5 * jitter(i + 3),
    pool: 1 + 2 * jitter(i + 5),
  }));
  const { verdict, divergence } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'neither');
  assert.equal(verdict.degraded, false);
  assert.match(verdict.summary, /clean run/);
  assert.equal(divergence, null);
});

test('latency degrades while loop and pool stay healthy -> neither, look outside the process', () => {
  const rows = makeRows(30, (i) => ({ p95: i < 12 ? 5 : 300 + 10 * jitter(i), loop: 3, pool: 2 }));
  const { verdict, divergence } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'neither');
  assert.equal(verdict.degraded, true);
  assert.match(verdict.summary, /look outside the process/);
  assert.equal(divergence?.t, T0 + 12_000);
  assert.deepEqual(divergence?.signals, []);
});

test('a run blocked from the first second (no clean baseline) is still named', () => {
  const rows = makeRows(20, (i) => ({ p95: 150 + 10 * jitter(i), loop: 120, elu: 0.95 }));
  const { verdict, divergence } = analyseRows(rows);
  assert.equal(divergence, null);
  assert.equal(verdict.bottleneck, 'event-loop');
});

test('seconds where nothing completed but k6 dropped iterations count as slow', () => {
  const rows = makeRows(20, (i) =>
    i < 10
      ? { p95: 5 }
      : i % 2 === 0
        ? { p95: null, dropped: 40, loop: 900 }
        : { p95: 950, loop: 900 },
  );
  const { verdict, divergence } = analyseRows(rows);
  assert.equal(divergence?.t, T0 + 10_000);
  assert.equal(verdict.bottleneck, 'event-loop');
  assert.match(verdict.evidence.join('\n'), /k6 dropped 200 iterations/);
});

test('without server data the verdict is unknown but says whether latency degraded', () => {
  const rows = makeRows(20, (i) => ({
    p95: i < 10 ? 5 : 400,
    loop: null,
    pool: null,
    elu: null,
    resources: null,
  }));
  const { verdict } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'unknown');
  assert.equal(verdict.degraded, true);
  assert.match(verdict.summary, /pass --prometheus or --collector/);
});

test('no completed request at all: unknown, nothing to judge', () => {
  const rows = makeRows(5, () => ({ p95: null }));
  assert.equal(analyseRows(rows).verdict.bottleneck, 'unknown');
});

test('a clean run on a busy shared machine: late timers on an idle loop and isolated blips are not blocking', () => {
  // Measured on the 2-core test machine (clean phase of the end-to-end test): /ok at 100/s,
  // loop delay p99 20-48 ms at 2-7% utilization, client p95 7-38 ms in no particular pattern.
  const p95 = [38.5, 19.5, 8.4, 16.3, 25.8, 20.7, 37.7, 6.8, 6.9];
  const loop = [29, 29, 29, 19.5, 48, 48, 9.8, 14.5, 4.8];
  const elu = [0.04, 0.06, 0.05, 0.03, 0.07, 0.04, 0.02, 0.02, 0.01];
  const rows = makeRows(9, (i) => ({ p95: p95[i], loop: loop[i], elu: elu[i], pool: 0.5 }));
  const { verdict, divergence } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'neither');
  assert.equal(verdict.degraded, false, verdict.evidence.join('\n'));
  assert.equal(divergence, null);
  assert.match(
    verdict.evidence.join('\n'),
    /event-loop delay p99 peaked at 48\.0 ms \(utilization at most 7%\)/,
  );
});

test('server series that report late are matched at their best lag', () => {
  // The pool's numbers arrive two buckets after the latency they explain.
  const slowAt = (i: number) => i >= 8 && i < 20;
  const rows = makeRows(30, (i) => ({
    p95: slowAt(i) ? 300 + 10 * jitter(i) : 6,
    loop: 4,
    pool: slowAt(i - 2) ? 280 : 2,
  }));
  const { verdict, correlations } = analyseRows(rows);
  const pool = correlations.find((c) => c.signal === 'poolDelayP99');
  assert.equal(pool?.best?.lag, 2);
  assert.ok((pool?.best?.r ?? 0) > 0.95 && (pool?.r ?? 1) < (pool?.best?.r ?? 0));
  assert.equal(verdict.bottleneck, 'thread-pool');
  assert.match(
    verdict.evidence.join('\n'),
    /correlate strongly: r = (0\.9\d|1\.00) with the server series 2000 ms later/,
  );
});

test('summary input: the run-wide p95 in every bucket, judged with the steady criteria only', () => {
  const blocked = makeRows(30, (i) => ({
    p95: 200,
    loop: i < 5 ? 3 : 160,
    elu: i < 5 ? 0.1 : 0.9,
  }));
  const a = analyseRows(blocked, { wholeRunClient: true });
  assert.equal(a.verdict.bottleneck, 'event-loop');
  assert.deepEqual(a.correlations, []);
  assert.equal(a.divergence, null);
  const healthy = makeRows(30, () => ({ p95: 4100, loop: 14, elu: 0.2 }));
  const h = analyseRows(healthy, { wholeRunClient: true });
  assert.equal(h.verdict.bottleneck, 'neither');
  assert.match(h.verdict.summary, /latency over time not known: summary input/);
  assert.match(h.verdict.evidence[0] ?? '', /judged against the run's p95 of 4100 ms/);
});

test('a pool still draining earlier work while only fast requests run is not the bottleneck', () => {
  // After a pbkdf2 phase the probe keeps waiting for seconds; /ok never touches the pool.
  const rows = makeRows(9, (i) => ({
    p95: 5 + jitter(i),
    loop: 3,
    pool: i < 6 ? 900 - i * 100 : 2,
    elu: 0.1,
  }));
  const { verdict } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'neither');
  assert.equal(verdict.degraded, false);
});
