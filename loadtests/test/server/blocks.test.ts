import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCKS_LIMIT, stacksInWindow, type BlocksBody } from '../../src/server/blocks.js';

const frame = (fn: string, line: number) => ({
  function: fn,
  file: '/srv/app/server.js',
  line,
  column: 3,
});
const event = (timeMs: number, durationMs: number, fingerprint: string, instance = 'a') => ({
  timeMs,
  durationMs,
  fingerprint,
  instance,
  frames:
    fingerprint === 'f1' ? [frame('blockFor', 14), frame('handler', 43)] : [frame('render', 99)],
});

test('stalls inside the run window are grouped by stack and ranked by total blocked time', () => {
  const body: BlocksBody = {
    stacks: [],
    recent: [
      event(5_000, 300, 'f2'),
      event(4_000, 120, 'f1', 'b'),
      event(3_000, 150, 'f1'),
      event(2_000, 100, 'f1'),
      event(500, 900, 'f2'),
    ],
  };
  const { stacks, warning } = stacksInWindow(body, 1_000, 6_000);
  assert.equal(warning, undefined);
  assert.deepEqual(
    stacks.map((s) => [s.fingerprint, s.count, s.totalMs, s.maxMs, s.instance]),
    [
      ['f1', 3, 370, 150, undefined],
      ['f2', 1, 300, 300, 'a'],
    ],
  );
  assert.deepEqual(stacks[0]?.frames, [
    'blockFor /srv/app/server.js:14:3',
    'handler /srv/app/server.js:43:3',
  ]);
});

test('more stalls than one answer holds: the collector totals are used, and the report says so', () => {
  const recent = Array.from({ length: BLOCKS_LIMIT }, (_, i) => event(10_000 - i, 110, 'f1'));
  const body: BlocksBody = {
    stacks: [
      {
        fingerprint: 'f1',
        count: 250,
        totalMs: 27_500,
        maxMs: 180,
        instances: ['a'],
        frames: [frame('blockFor', 14)],
      },
    ],
    recent,
  };
  const { stacks, warning } = stacksInWindow(body, 1_000, 20_000);
  assert.match(warning ?? '', /more than 100 stalls during the run/);
  assert.deepEqual(
    stacks.map((s) => [s.count, s.totalMs, s.instance]),
    [[250, 27_500, 'a']],
  );
});

test("captured stalls with an anatomy: share by cause per stack, and the run's captured stall time", () => {
  const anatomy = (cpuMs: number, cpuWaitMs: number, cause: 'code' | 'cpu_starved') => ({
    cpuMs,
    gcMs: 0,
    cpuWaitMs,
    throttledMs: 0,
    offCpuMs: 0,
    cause,
  });
  const body: BlocksBody = {
    stacks: [],
    recent: [
      { ...event(3_000, 150, 'f1'), anatomy: anatomy(30, 120, 'cpu_starved') },
      { ...event(2_000, 100, 'f1'), anatomy: anatomy(95, 5, 'code') },
      event(1_500, 300, 'f2'),
    ],
  };
  const { stacks, stallTime } = stacksInWindow(body, 1_000, 6_000);
  assert.deepEqual(
    stacks.map((s) => [s.fingerprint, s.anatomy?.measured, s.anatomy?.starved, s.anatomy?.byCause]),
    [
      ['f2', undefined, undefined, undefined],
      ['f1', 2, 1, { code: 125, gc: 0, cpu_starved: 125, syscall: 0 }],
    ],
  );
  assert.deepEqual(stallTime, {
    byCause: { code: 125, gc: 0, cpu_starved: 125, syscall: 0 },
    from: 'captured',
    stalls: 2,
  });
  // No anatomy at all: no stall time is invented.
  assert.equal(
    stacksInWindow({ stacks: [], recent: [event(2_000, 100, 'f1')] }, 0, 9_000).stallTime,
    undefined,
  );
});
