import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameBlockingStacks } from '../../src/analysis/blocking-stacks.js';
import type { Verdict } from '../../src/analysis/verdict.js';
import type { BlockingStack } from '../../src/server/source.js';

const verdict = (): Verdict => ({
  bottleneck: 'event-loop',
  degraded: true,
  summary: 'event-loop blocking: requests waited for the loop',
  evidence: [],
  scores: { loop: 1, pool: 0, slow: 0 },
});
const stack = (fn: string, count: number, totalMs: number): BlockingStack => ({
  fingerprint: fn,
  count,
  totalMs,
  maxMs: totalMs / count,
  frames: [`processTicksAndRejections node:internal/process/task_queues:95`, `${fn} app.js:3`],
});

test('the heaviest stack names the blocking code, with the count beside the captured sample', () => {
  const v = verdict();
  nameBlockingStacks(v, [stack('blockFor', 8, 1200), stack('writePayload', 2, 300)], 61);
  assert.match(v.summary, /; blocked most by blockFor$/);
  assert.deepEqual(v.evidence, [
    'the heaviest blocking stack starts in blockFor app.js:3: 8 captured stall(s), 1200 ms in all (see the stacks table)',
    'the agent counted 61 stalls over its threshold during the run (10 captured: the stacks are a sample of them)',
  ]);
});

test('when the heaviest holds under half the stall time, the next two are named too', () => {
  const v = verdict();
  nameBlockingStacks(
    v,
    [
      stack('writePayload', 4, 600),
      stack('blockFor', 3, 450),
      stack('onSend', 2, 300),
      stack('other', 1, 150),
    ],
    undefined,
  );
  assert.match(v.summary, /blocked most by writePayload$/);
  assert.equal(
    v.evidence[1],
    'it holds 40% of the captured stall time; next: blockFor app.js:3 (3 captured, 450 ms); onSend app.js:3 (2 captured, 300 ms)',
  );
  assert.equal(v.evidence.length, 2);
});

test('no captured stack, nothing named', () => {
  const v = verdict();
  nameBlockingStacks(v, [], 5);
  assert.deepEqual(v.evidence, []);
  assert.equal(v.summary, verdict().summary);
});
