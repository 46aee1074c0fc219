/** Smoke test of the accuracy benchmark's child: short runs, loose bounds (figures are the benchmark's). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode } from '@loopscope/testkit';
import type { AccuracyResult } from '../../src/apps/accuracy.js';
import { message, script, startScript } from '../../src/children.js';

async function run(tool: string): Promise<AccuracyResult> {
  const child = startScript('apps/accuracy', [], {
    env: {
      BENCH_TOOL: tool,
      BENCH_IDLE_WINDOWS: '1',
      // 3 s: a stall in the agent's first ~2 s can be missed (found in this round, not yet
      // fixed; see benchmarks/README.md), and this smoke test is about the harness.
      BENCH_WINDOW_MS: '3000',
      BENCH_BLOCKS: '50',
      BENCH_POOL_MS: '500',
    },
  });
  try {
    return await message<AccuracyResult>(child, 'BENCH_RESULT', 60_000);
  } finally {
    await child.stop('SIGKILL', 1000);
  }
}

test('loopscope reads an idle window, a 50 ms block and the idle pool', async () => {
  const r = await run('loopscope');
  assert.equal(r.node, process.version);
  assert.equal(r.idle.length, 1);
  assert.ok(r.idle[0]!.p99 < r.idle[0]!.max + 1e-9 || Number.isNaN(r.idle[0]!.max));
  const [b] = r.blocks;
  assert.equal(b?.block, 50);
  // Loose: a loaded machine only adds to the reading.
  assert.ok(b.max >= b.took - 5 && b.max < b.took + 150, `took ${b.took} ms, read ${b.max} ms`);
  assert.ok(r.pool && r.pool.count >= 2, `pool ${JSON.stringify(r.pool)}`);
});

test('prom-client reads the resolution as its idle floor', async () => {
  const r = await run('prom');
  assert.ok(r.idle[0]!.p50 >= 9, `idle p50 ${r.idle[0]!.p50} ms`);
  assert.equal(r.pool, undefined);
});

test('--lines takes major versions only', async () => {
  const bad = await runNode([script('cli'), '--lines', '26.1', 'accuracy']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--lines takes Node major versions/);
});
