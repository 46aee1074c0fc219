import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARMS } from '../../src/cpu/arms.js';
import { runIdle } from '../../src/cpu/idle-bench.js';
import { cpuReport } from '../../src/cpu/idle-report.js';
import { startCollectorHost } from '../../src/collector-host.js';
import { cpuTimeNs } from '../../src/cpu/schedstat.js';

test("cpuTimeNs reads a process's CPU time from outside and it grows with work", () => {
  const before = cpuTimeNs(process.pid);
  const end = performance.now() + 30;
  while (performance.now() < end);
  const spent = Number(cpuTimeNs(process.pid) - before) / 1e6;
  assert.ok(spent >= 20 && spent < 5000, `spent ${spent} ms`);
});

test('one tiny real round: the agent costs more CPU than no tool, and exported', async (t) => {
  const collector = await startCollectorHost();
  t.after(() => collector.close());
  const arms = ARMS.filter((a) => a.id === 'none' || a.id === 'loopscope-1s');
  const runs = await runIdle(collector, { rounds: 1, warmupMs: 300, windowMs: 2000, arms });
  const cpu = (id: string): number => runs.find((r) => r.arm === id)!.result.cpuMsPerS;
  assert.ok(
    cpu('loopscope-1s') > cpu('none'),
    `loopscope ${cpu('loopscope-1s')} vs none ${cpu('none')} ms/s`,
  );
  const ours = runs.find((r) => r.arm === 'loopscope-1s')!;
  assert.ok(ours.exports >= 1, 'the agent exported to the collector');
  assert.ok(ours.result.heapUsed > 1024 * 1024 && ours.result.rss > ours.result.heapUsed);
  assert.match(
    cpuReport(runs, 300, 2000).markdown,
    /\| `loopscope-1s` \| loopscope agent \| 1 s \|/,
  );
});
