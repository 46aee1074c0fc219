import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installCaptureFunction, MAX_FRAMES, stackBelow } from '../../src/watchdog/capture.js';

function recurse(
  depth: number,
  at: () => ReturnType<typeof stackBelow>,
): ReturnType<typeof stackBelow> {
  return depth === 0 ? at() : recurse(depth - 1, at);
}

test("reads the stack below the capture function, without the app's stack formatting", () => {
  let called = 0;
  const userPrepare = (): string => {
    called++;
    return 'formatted by the app';
  };
  Error.prepareStackTrace = userPrepare;
  const limit = Error.stackTraceLimit;
  try {
    function capture(): ReturnType<typeof stackBelow> {
      return stackBelow(capture);
    }
    const frames = recurse(3, capture);
    assert.equal(called, 0, "the app's Error.prepareStackTrace is not run");
    assert.equal(
      Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')?.value,
      userPrepare,
      'and is restored',
    );
    assert.equal(Error.stackTraceLimit, limit);
    // Called from a function with a file: nothing is dropped as "the inspector's expression".
    assert.deepEqual(
      frames.slice(0, 4).map((f) => f.function),
      ['recurse', 'recurse', 'recurse', 'recurse'],
    );
    assert.match(frames[0]!.file, /capture\.test\.js$/);
    assert.ok(frames[0]!.line > 0 && frames[0]!.column > 0);
  } finally {
    Reflect.deleteProperty(Error, 'prepareStackTrace');
  }
  assert.equal(Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace'), undefined);
});

test(`keeps at most ${MAX_FRAMES} frames`, () => {
  function capture(): ReturnType<typeof stackBelow> {
    return stackBelow(capture);
  }
  assert.equal(recurse(100, capture).length, MAX_FRAMES);
});

test('the capture function is installed under a global symbol, hidden, and removed', () => {
  const key = 'loopscope.test.capture';
  const fn = (): void => {};
  const uninstall = installCaptureFunction(key, fn);
  assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for(key)], fn);
  assert.ok(!Object.keys(globalThis).includes(key));
  uninstall();
  assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for(key)], undefined);
});
