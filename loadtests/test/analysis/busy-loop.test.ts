import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameBusyLoop } from '../../src/analysis/busy-loop.js';
import type { Verdict } from '../../src/analysis/verdict.js';
import type { BusyLoop } from '../../src/server/source.js';
import { busyInWindow } from '../../src/server/busy.js';

const verdict = (bottleneck: Verdict['bottleneck']): Verdict => ({
  bottleneck,
  degraded: true,
  summary: 'event-loop blocking: requests waited for the loop',
  evidence: [],
  scores: { loop: 1, pool: 0, slow: 0 },
});
const bcrypt: BusyLoop = {
  fingerprint: 'aa',
  label: '_key (bcryptjs/dist/bcrypt.js:1217)',
  caller: 'verifyPassword (src/auth.js:12)',
  count: 2,
  totalMs: 12_040,
  maxUtilization: 0.98,
  samples: 16,
  hottestSamples: 14,
  frames: [],
};

test('an event-loop verdict without a captured stall is named by the busiest stack and its caller', () => {
  const v = verdict('event-loop');
  nameBusyLoop(v, [bcrypt], 0);
  assert.equal(
    v.summary,
    'event-loop blocking: requests waited for the loop; saturated by _key (bcryptjs/dist/bcrypt.js:1217) called from verifyPassword (src/auth.js:12)',
  );
  assert.deepEqual(v.evidence, [
    'the loop was saturated by _key (bcryptjs/dist/bcrypt.js:1217) called from verifyPassword (src/auth.js:12): 2 busy-loop event(s), utilization up to 98% for 12.0 s without a stall over the threshold (14 of 16 stack samples)',
  ]);
});

test('with a captured blocking stack, or another verdict, the busy loop is evidence only', () => {
  for (const [bottleneck, stacks] of [
    ['event-loop', 1],
    ['cpu-starvation', 0],
    ['neither', 0],
  ] as const) {
    const v = verdict(bottleneck);
    const before = v.summary;
    nameBusyLoop(v, [{ ...bcrypt, caller: null }], stacks);
    assert.equal(v.summary, before, bottleneck);
    assert.match(
      v.evidence[0] ?? '',
      /^the loop was saturated by _key \(bcryptjs\/dist\/bcrypt\.js:1217\): /,
    );
  }
  const none = verdict('event-loop');
  nameBusyLoop(none, [], 0);
  assert.deepEqual(none.evidence, []);
});

test('busy-loop events group by fingerprint inside the window only, busiest first', () => {
  const event = (timeMs: number, fingerprint: string, durationMs: number, instance = 'a') => ({
    timeMs,
    durationMs,
    utilization: 0.95,
    fingerprint,
    label: `${fingerprint} (app.js:1)`,
    caller: undefined,
    samples: 8,
    hottestSamples: 6,
    instance,
    frames: [{ function: fingerprint, file: '/srv/app.js', line: 1, column: 2 }],
  });
  const loops = busyInWindow(
    {
      recent: [
        event(500, 'aa', 9_000),
        event(1_500, 'bb', 5_000),
        event(2_500, 'cc', 4_000, 'a'),
        event(2_600, 'cc', 4_000, 'b'),
      ],
    },
    1_000,
    3_000,
  );
  assert.deepEqual(
    loops.map((l) => [l.fingerprint, l.count, l.totalMs, l.samples, l.instance, l.caller]),
    [
      ['cc', 2, 8_000, 16, undefined, null],
      ['bb', 1, 5_000, 8, 'a', null],
    ],
  );
  assert.deepEqual(loops[1]?.frames, ['bb /srv/app.js:1:2']);
});
