import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLERS } from '@loopscope/agent';
import { startScript, message } from '../../src/children.js';
import { RESULT } from '../../src/apps/message.js';
import type { CollectionCosts } from '../../src/apps/collection-costs.js';

test('one tiny real measurement: every sampler is timed in a child process', async (t) => {
  const child = startScript('apps/collection-costs', [], {
    env: {
      BENCH_TOOL: 'loopscope',
      BENCH_SOCKETS: '100',
      BENCH_ITERATIONS: '5',
      BENCH_SPACING_MS: '1',
    },
  });
  t.after(() => child.stop('SIGKILL', 1000));
  const costs = await message<CollectionCosts>(child, RESULT, 30_000);
  assert.ok(Object.keys(costs).length >= SAMPLERS.length, Object.keys(costs).join(', '));
  for (const [what, c] of Object.entries(costs)) {
    for (const ms of [...(c.collect ?? []), ...(c.tick ?? [])]) {
      assert.ok(ms >= 0 && ms < 5000, `${what}: ${ms} ms`);
    }
  }
  assert.equal(costs.resources?.collect?.length, 5);
  assert.equal(costs['loopscope full collection + protobuf']?.collect?.length, 5);
});
