import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeStarvation } from '../../src/analysis/starvation.js';
import { analyseRows } from '../../src/analysis/verdict.js';
import type { Report } from '../../src/analysis/report.js';
import { anatomyText, serverTable, stacksTable } from '../../src/report/tables.js';
import type { BlockingStack } from '../../src/server/source.js';
import type { CauseMs, StallTime } from '../../src/server/stall-causes.js';
import { makeRows } from '../helpers/rows.js';

/** Latency and loop delay rise together after ten seconds: the loop is blamed from the timeline alone. */
const lateLoopRows = () =>
  makeRows(30, (i) =>
    i < 10 ? { p95: 5, loop: 2, elu: 0.2 } : { p95: 180, loop: 150, loopMax: 200, elu: 0.45 },
  );

const causes = (code: number, gc: number, starved: number, syscall: number): CauseMs => ({
  code,
  gc,
  cpu_starved: starved,
  syscall,
});
const counter = (byCause: CauseMs): StallTime => ({ byCause, from: 'counter' });

test('stalls that mostly waited for a CPU: CPU starvation, not event-loop blocking, with the evidence', () => {
  const { verdict } = analyseRows(lateLoopRows());
  assert.equal(verdict.bottleneck, 'event-loop');
  judgeStarvation(verdict, {
    stallTime: counter(causes(600, 0, 2400, 0)),
    cpuPressure: { cpuWaitMs: 9000, throttledMs: null, throttledShare: null, windowMs: 30_000 },
  });
  assert.equal(verdict.bottleneck, 'cpu-starvation');
  assert.equal(verdict.degraded, true);
  assert.match(verdict.summary, /^CPU starvation: .*run-queue wait.*not code$/);
  const evidence = verdict.evidence.join('\n');
  assert.match(
    evidence,
    /stall time by cause: code 600 ms \(20%\), gc 0\.00 ms \(0%\), cpu_starved 2400 ms \(80%\), syscall 0\.00 ms \(0%\) \(the agent's stall-time counter: every stall\)/,
  );
  assert.match(evidence, /waited 9000 ms for a CPU \(run-queue wait, 30% of the run's wall time\)/);
});

test('CFS throttling is named when the cgroup was throttled', () => {
  const { verdict } = analyseRows(lateLoopRows());
  judgeStarvation(verdict, {
    stallTime: counter(causes(100, 0, 900, 0)),
    cpuPressure: { cpuWaitMs: 3000, throttledMs: 2500, throttledShare: 0.31, windowMs: 30_000 },
  });
  assert.equal(verdict.bottleneck, 'cpu-starvation');
  assert.match(verdict.summary, /CFS throttling by the CPU limit/);
  assert.match(
    verdict.evidence.join('\n'),
    /CPU quota throttled it in 31% of CFS periods \(2500 ms throttled\)/,
  );
});

test('stalls that ran JavaScript stay event-loop blocking; the anatomy is shown as evidence', () => {
  const { verdict } = analyseRows(lateLoopRows());
  judgeStarvation(verdict, {
    stallTime: { byCause: causes(2700, 200, 100, 0), from: 'captured', stalls: 14 },
    cpuPressure: { cpuWaitMs: 150, throttledMs: null, throttledShare: null, windowMs: 30_000 },
  });
  assert.equal(verdict.bottleneck, 'event-loop');
  assert.match(verdict.summary, /^event-loop blocking/);
  assert.match(
    verdict.evidence.join('\n'),
    /code 2700 ms \(90%\).*cpu_starved 100 ms \(3%\).*\(the anatomy of 14 captured stall\(s\): a sample\)/,
  );
});

test('exactly half the stall time starved is starvation; just under is not', () => {
  for (const [starved, expected] of [
    [1000, 'cpu-starvation'],
    [990, 'event-loop'],
  ] as const) {
    const { verdict } = analyseRows(lateLoopRows());
    judgeStarvation(verdict, { stallTime: counter(causes(1000, 0, starved, 0)) });
    assert.equal(verdict.bottleneck, expected, `${starved} ms starved of ${1000 + starved}`);
  }
});

test('without stall time by cause, a main thread that waited for a CPU a third of the run is starved', () => {
  const { verdict } = analyseRows(lateLoopRows());
  judgeStarvation(verdict, {
    cpuPressure: { cpuWaitMs: 12_000, throttledMs: null, throttledShare: null, windowMs: 30_000 },
  });
  assert.equal(verdict.bottleneck, 'cpu-starvation');
});

test('an agent without the anatomy: the verdict stays, and the report says starvation cannot be told apart', () => {
  const { verdict } = analyseRows(lateLoopRows());
  judgeStarvation(verdict, {});
  assert.equal(verdict.bottleneck, 'event-loop');
  assert.match(verdict.evidence.join('\n'), /no stall anatomy .* cannot be told apart/);
});

test('a clean run is not called starved for a few starved stalls, nor is a pool verdict overturned', () => {
  const clean = analyseRows(makeRows(30, () => ({ p95: 5, loop: 2 }))).verdict;
  judgeStarvation(clean, { windowMs: 30_000, stallTime: counter(causes(0, 0, 550, 0)) });
  assert.equal(clean.bottleneck, 'neither');
  assert.equal(clean.degraded, false);
  const pool = analyseRows(
    makeRows(30, (i) => (i < 8 ? { p95: 6, loop: 3, pool: 2 } : { p95: 300, loop: 6, pool: 280 })),
  ).verdict;
  judgeStarvation(pool, { stallTime: counter(causes(0, 0, 500, 0)) });
  assert.equal(pool.bottleneck, 'thread-pool');
});

test('a run starved from its first second (no baseline to leave) is CPU starvation when the starved stalls add up', () => {
  const rows = makeRows(30, () => ({ p95: 60, loop: 40, elu: 0.2 }));
  const { verdict } = analyseRows(rows);
  assert.equal(verdict.bottleneck, 'neither');
  judgeStarvation(verdict, { windowMs: 30_000, stallTime: counter(causes(100, 0, 1400, 50)) });
  assert.equal(verdict.bottleneck, 'neither', '1.4 s starved in 30 s is under 5% of the run');
  judgeStarvation(verdict, { windowMs: 30_000, stallTime: counter(causes(100, 0, 1600, 50)) });
  assert.equal(verdict.bottleneck, 'cpu-starvation');
  assert.equal(verdict.degraded, true);
});

const stack = (over: Partial<BlockingStack>): BlockingStack => ({
  fingerprint: 'f',
  count: 4,
  totalMs: 600,
  maxMs: 160,
  frames: ['blockFor /srv/target/server.js:14:3', 'handler /srv/target/server.js:43:7'],
  ...over,
});

/** A report around a starved run's stacks: only what the stacks table reads. */
function reportWith(stacks: BlockingStack[], rows = lateLoopRows()): Report {
  const analysis = analyseRows(rows);
  return {
    input: { file: 'run.ndjson', format: 'ndjson', bytes: 1 },
    timeline: rows,
    server: { source: 'collector', stallsCounted: null },
    analysis,
    blockingStacks: stacks,
    warnings: [],
  } as unknown as Report;
}

test('the stacks table: share by cause per stack, starved stacks marked by the agent’s cause', () => {
  const starved = stack({
    fingerprint: 's',
    frames: ['afterWrite node:internal/streams/writable:1:1'],
    anatomy: { measured: 3, byCause: causes(40, 0, 360, 0), throttledMs: 120, starved: 3 },
  });
  const code = stack({
    anatomy: { measured: 4, byCause: causes(560, 30, 10, 0), throttledMs: 0, starved: 0 },
  });
  const t = stacksTable(reportWith([code, starved]));
  assert.deepEqual(t.head, [
    'captured stalls',
    'total blocked',
    'longest',
    'stall time by cause',
    'stack (top frames)',
  ]);
  assert.equal(t.rows[0]?.[3], 'code 93% · gc 5% · cpu_starved 2%');
  assert.doesNotMatch(t.rows[0]?.[4] ?? '', /starved/);
  assert.equal(t.rows[1]?.[3], 'code 10% · cpu_starved 90% (throttled 120 ms) [3 of 4 stalls]');
  assert.match(t.rows[1]?.[4] ?? '', /\[captured while starved of CPU: 3 of 3 stall\(s\)/);
  // Every stack has the agent's anatomy: the run's own heuristic is not used.
  assert.doesNotMatch(t.title, /guessed/);
  assert.match(t.title, /the collector served no series of the agent's stall counter/);
});

test('stalls: the agent’s count beside the captured sample, in the stacks table and the server table', () => {
  const r = reportWith([stack({ count: 6 }), stack({ fingerprint: 'g', count: 4 })]);
  r.server = { ...r.server, stallsCounted: 92, peaks: {} } as Report['server'];
  assert.match(stacksTable(r).title, /; 92 stalls counted by the agent \(10 captured\)/);
  const row = serverTable(r).rows.at(-1);
  assert.deepEqual(row?.slice(0, 2), [
    'event-loop stalls over the threshold (in all)',
    '92 (10 captured)',
  ]);
  // Without the counter, the captured ones only, said so.
  r.server = { ...r.server, stallsCounted: null } as Report['server'];
  assert.match(serverTable(r).rows.at(-1)?.[1] ?? '', /^10 captured \(not counted/);
});

test('the stacks table falls back to the run’s own evidence only for stacks without an anatomy, and says so', () => {
  // Late loop at low utilization: the heuristic's starvation.
  const rows = makeRows(10, () => ({ p95: 100, loop: 80, elu: 0.2 }));
  const internal = stack({ frames: ['afterWrite node:internal/streams/writable:1:1'] });
  const t = stacksTable(reportWith([internal], rows));
  assert.equal(t.rows[0]?.[3], '– (no anatomy sent)');
  assert.match(t.rows[0]?.[4] ?? '', /guessed: no anatomy from the agent/);
  assert.match(t.title, /starvation is guessed from the run/);
  assert.equal(anatomyText(stack({})), '– (no anatomy sent)');
});
