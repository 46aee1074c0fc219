/**
 * The watchdog in real child processes (the fixture app), with a real
 * worker thread and the real inspector, on whichever Node runs the tests.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_EVENT } from '../../src/names.js';
import {
  burnLine,
  FIXTURE_JS,
  FIXTURE_TS,
  fileUrl,
  median,
  resultOf,
  runFixture,
  type FixtureEvent,
  type Frame,
} from './fixture.js';

const A = BLOCK_EVENT.attributes;
const framesOf = (e: FixtureEvent): Frame[] => e.attributes[A.frames] as Frame[];
const durationOf = (e: FixtureEvent): number => e.attributes[A.durationMs] as number;

test('a 300 ms burnCpu is captured while it blocks: function, file and line, and its full duration', async (t) => {
  const result = resultOf(await runFixture('burn', { count: 5, blockMs: 300 }));
  assert.equal(result.stats.stalls, 5, 'five stalls counted');
  assert.equal(result.blocks, 5, 'loopscope.eventloop.blocks');
  assert.equal(result.durations?.count, 5, 'loopscope.eventloop.block.duration count');
  // Every stall is counted and measured. A capture needs the watchdog thread scheduled
  // while the stall lasts: when neighbours hold both cores it can be missed, or land just
  // after the stall in the fixture's own sleep. Most stalls, not all, must be captured in
  // burnCpu; the tight capture rate is not a test's to assert on a shared machine.
  const line = burnLine(FIXTURE_JS);
  const inBurn = result.events.filter((e) => framesOf(e)[0]?.function === 'burnCpu');
  assert.ok(
    inBurn.length >= 3 && result.events.length <= 5,
    `${inBurn.length} of ${result.events.length} events in burnCpu, for 5 stalls`,
  );
  for (const event of inBurn) {
    assert.equal(event.eventName, BLOCK_EVENT.name);
    const top = framesOf(event)[0];
    assert.deepEqual(
      { function: top?.function, file: top?.file, line: top?.line },
      { function: 'burnCpu', file: fileUrl(FIXTURE_JS), line },
      `top frame of ${event.body}`,
    );
    assert.equal(event.attributes[A.function], 'burnCpu');
    assert.equal(event.attributes[A.line], line);
    assert.match(
      event.attributes[A.stacktrace] as string,
      /^ {4}at burnCpu \(file:.*app\.js:\d+:\d+\)\n/,
    );
    assert.match(event.attributes[A.fingerprint] as string, /^[0-9a-f]{16}$/);
    assert.equal(event.attributes[A.thresholdMs], 100);
    assert.ok((event.attributes[A.pauseMs] as number) >= 0);
  }
  // The same code blocked each time: one fingerprint.
  assert.equal(new Set(inBurn.map((e) => e.attributes[A.fingerprint])).size, 1);
  // Median from 5 ms under to 30 ms over 300 (a single 288.7 ms reading was seen on
  // Node 26 at load average 15): the median of five, so that the fixture being preempted around one
  // burn on a loaded machine (which really blocks its loop longer) does not decide.
  const durations = result.events.map(durationOf);
  t.diagnostic(
    `durations ${durations.join(', ')} ms; capture pause ${result.stats.pauseMs.max} ms max`,
  );
  assert.ok(
    median(durations) >= 295 && median(durations) <= 330,
    `durations ${durations.join(', ')} ms`,
  );
  // Each one from 250: likely, the first stall's estimate takes out the other iterations' typical
  // cost from a history that still holds start-up's long iterations (beside a CPU hog on
  // Node 22 the first read 279.957 ms, the other four 296.9-299.9 ms).
  for (const d of durations) assert.ok(d >= 250 && d < 600, `duration ${d} ms`);
  // The histogram holds every stall, the events the captured ones (all five on a quiet machine).
  const histogramS = result.durations?.sum ?? 0;
  const eventsS = durations.reduce((a, b) => a + b, 0) / 1000;
  if (durations.length === 5) {
    assert.ok(
      Math.abs(histogramS - eventsS) < 1e-3,
      `the histogram records the events durations, in seconds: ${histogramS} vs ${eventsS}`,
    );
  } else {
    assert.ok(
      histogramS >= eventsS - 1e-3 && histogramS < eventsS + (5 - durations.length) * 0.6,
      `the histogram holds the captured stalls and the ${5 - durations.length} others: ${histogramS} s vs ${eventsS} s captured`,
    );
  }
});

test('with --enable-source-maps the captured frame is the TypeScript source line', async () => {
  const result = resultOf(
    await runFixture('burn', { count: 2, nodeArgs: ['--enable-source-maps'] }),
  );
  // Two stalls, so one capture missed on a loaded machine does not decide (see above).
  const top = result.events.map((e) => framesOf(e)[0]).find((f) => f?.function === 'burnCpu');
  assert.deepEqual(
    { function: top?.function, file: top?.file, line: top?.line },
    { function: 'burnCpu', file: fileUrl(FIXTURE_TS), line: burnLine(FIXTURE_TS) },
  );
});

test('the per-minute capture limit holds; stalls beyond it are still counted', async () => {
  const result = resultOf(
    await runFixture('burn', {
      count: 4,
      blockMs: 400,
      env: { LOOPSCOPE_BLOCK_MAX_CAPTURES_PER_MIN: '2' },
    }),
  );
  assert.equal(result.stats.stalls, 4);
  assert.equal(result.blocks, 4);
  // At most the limit; one may be missed on a loaded machine (see the first test).
  assert.ok(result.events.length >= 1 && result.events.length <= 2, `${result.events.length}`);
  assert.ok(result.stats.rateLimited >= 1, `${result.stats.rateLimited} stalls over the limit`);
});

// Nothing below depends on precise timing: three fixtures at a time.
describe('settings and edge cases', { concurrency: 3 }, () => {
  test('stalls below the threshold are neither counted nor captured', async () => {
    // 40 ms blocks under a 300 ms threshold: fixtures run three at a time, and a loaded
    // machine really stretches a 40 ms block (twice past 100 ms at load average 15).
    const result = resultOf(
      await runFixture('short', {
        count: 5,
        blockMs: 40,
        env: { LOOPSCOPE_BLOCK_THRESHOLD_MS: '300' },
      }),
    );
    assert.equal(result.stats.stalls, 0);
    assert.equal(result.events.length, 0);
    assert.equal(result.blocks, 0, 'the counter is exported at 0');
    assert.equal(result.durations?.count ?? 0, 0);
  });

  test('debugger statements in the app are not paused on, and the stall around them is captured', async () => {
    // 400 ms: the capture window (stalls longer than 200 ms) stays wide with fixtures running side by side.
    const run = await runFixture('debugger', { blockMs: 400 });
    const result = resultOf(run);
    assert.ok(
      (result.debuggerStatementsMs ?? Infinity) < 50,
      `1000 debugger statements took ${result.debuggerStatementsMs} ms`,
    );
    // Two such stalls; at least one captured (see the first test on captures under load).
    assert.ok(result.events.length >= 1 && result.events.length <= 2, `${result.events.length}`);
    for (const e of result.events) {
      assert.equal(framesOf(e)[0]?.function, 'burnWithDebuggerStatements');
    }
  });

  test('with the inspector in use, stalls are still measured and the reason is said once', async () => {
    const run = await runFixture('burn', { count: 2, nodeArgs: ['--inspect=127.0.0.1:0'] });
    const result = resultOf(run);
    // Both burns, and the counter agrees. Three fixtures at a time beside a CPU hog, the
    // inspector's start-up once made a third stall of its own (3, against 2).
    assert.ok(result.stats.stalls >= 2 && result.stats.stalls <= 4, `${result.stats.stalls}`);
    assert.equal(result.blocks, result.stats.stalls);
    assert.equal(result.events.length, 0);
    const says = run.stderr.match(
      /blocked-loop stacks are not taken: the inspector is already in use/g,
    );
    assert.equal(says?.length, 1, run.stderr);
  });

  test('LOOPSCOPE_BLOCK_THRESHOLD_MS=0 turns the watchdog off', async () => {
    const result = resultOf(
      await runFixture('burn', { count: 1, env: { LOOPSCOPE_BLOCK_THRESHOLD_MS: '0' } }),
    );
    assert.equal(result.stats.stalls, 0);
    assert.equal(result.blocks, undefined, 'no instruments registered');
    assert.equal(result.events.length, 0);
  });

  test('a higher threshold counts only the stalls above it', async () => {
    const result = resultOf(
      await runFixture('burn', {
        count: 1,
        blockMs: 200,
        env: { LOOPSCOPE_BLOCK_THRESHOLD_MS: '500' },
      }),
    );
    assert.equal(result.stats.stalls, 0);
    assert.equal(result.events.length, 0);
  });

  test('an invalid setting is one clear message, and the app runs on', async () => {
    const run = await runFixture('burn', {
      count: 1,
      env: { LOOPSCOPE_BLOCK_THRESHOLD_MS: '5ms' },
    });
    const result = resultOf(run);
    assert.equal(result.stats.stalls, 0);
    assert.match(
      run.stderr,
      /invalid LOOPSCOPE_BLOCK_THRESHOLD_MS="5ms".*the blocked-loop watchdog is off/,
    );
  });

  test('the watchdog never keeps the process alive', async () => {
    const start = Date.now();
    const run = await runFixture('idle');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(Date.now() - start < 5_000, `exited after ${Date.now() - start} ms`);
  });

  test('exiting right after a capture leaves no "Waiting for the debugger to disconnect"', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await runFixture('exit', { blockMs: 400 });
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /Waiting for the debugger/);
    }
  });
});
