import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../../src/watchdog/capture.js';
import {
  FINGERPRINT_FRAMES,
  fingerprint,
  sourceMapped,
  stackText,
} from '../../src/watchdog/frames.js';

const frame = (fn: string, file: string, line: number, column = 1): Frame => ({
  function: fn,
  file,
  line,
  column,
});

const stack = (root: string): Frame[] => [
  frame('parse', `${root}/node_modules/lib/index.js`, 10, 5),
  frame('handler', `${root}/src/routes.js`, 42, 7),
  frame('listOnTimeout', 'node:internal/timers', 581, 17),
];

test('the fingerprint is the same for the same code in another directory, on another Node', () => {
  const a = fingerprint(stack('/srv/app'), '/srv/app');
  const b = fingerprint(
    [...stack('/home/ci/app'), frame('processTimers', 'node:internal/timers', 519, 7)],
    '/home/ci/app',
  );
  assert.equal(a, b);
  assert.match(a, /^[0-9a-f]{16}$/);
  // file: URLs (ES modules) and columns do not matter either.
  const esm = stack('/srv/app').map((f) => ({
    ...f,
    file: f.file.startsWith('/') ? `file://${f.file}` : f.file,
    column: 99,
  }));
  assert.equal(fingerprint(esm, '/srv/app'), a);
});

test('the fingerprint changes with the function, the file or the line of a top frame', () => {
  const base = fingerprint(stack('/srv/app'), '/srv/app');
  const changed = (i: number, change: Partial<Frame>): string => {
    const s = stack('/srv/app');
    s[i] = { ...s[i]!, ...change };
    return fingerprint(s, '/srv/app');
  };
  assert.notEqual(changed(0, { function: 'stringify' }), base);
  assert.notEqual(changed(1, { file: '/srv/app/src/other.js' }), base);
  assert.notEqual(changed(1, { line: 43 }), base);
  assert.equal(changed(2, { line: 1 }), base, "Node's own frames are left out");
});

test(`only the top ${FINGERPRINT_FRAMES} application frames count`, () => {
  const deep = Array.from({ length: 10 }, (_, i) => frame(`f${i}`, '/app/a.js', i + 1));
  const other = deep.map((f, i) => (i >= FINGERPRINT_FRAMES ? { ...f, function: 'x' } : f));
  assert.equal(fingerprint(deep, '/app'), fingerprint(other, '/app'));
});

test('stack text looks like V8 prints it; native frames say so', () => {
  assert.equal(
    stackText([frame('wait', '', 0, 0), frame('handler', '/app/a.js', 3, 9)]),
    '    at wait (native)\n    at handler (/app/a.js:3:9)',
  );
});

test('without a source map a frame is left as it is', () => {
  const f = frame('handler', '/nowhere/a.js', 3, 9);
  assert.deepEqual(sourceMapped(f), f);
  const internal = frame('listOnTimeout', 'node:internal/timers', 581, 17);
  assert.equal(sourceMapped(internal), internal);
});
