import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../../src/watchdog/capture.js';
import { readFileSync } from 'node:fs';
import { fingerprint, label, sourceMapped, stackText } from '../../src/watchdog/frames.js';

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

test('the fingerprint changes with the package, and with the function, file or line of the calling app frame', () => {
  const base = fingerprint(stack('/srv/app'), '/srv/app');
  const changed = (i: number, change: Partial<Frame>): string => {
    const s = stack('/srv/app');
    s[i] = { ...s[i]!, ...change };
    return fingerprint(s, '/srv/app');
  };
  assert.notEqual(changed(0, { file: '/srv/app/node_modules/other/index.js' }), base);
  assert.equal(
    changed(0, { function: 'stringify', line: 11 }),
    base,
    'which function and line of a package the capture landed in is chance',
  );
  assert.notEqual(changed(1, { file: '/srv/app/src/other.js' }), base);
  assert.notEqual(changed(1, { line: 43 }), base);
  assert.equal(changed(2, { line: 1 }), base, "Node's own frames are left out");
});

test('frames further out than the culprit (async entry points) do not count', () => {
  const deep = Array.from({ length: 10 }, (_, i) => frame(`f${i}`, '/app/a.js', i + 1));
  const other = deep.map((f, i) => (i >= 1 ? { ...f, function: 'x' } : f));
  assert.equal(fingerprint(deep, '/app'), fingerprint(other, '/app'));
});

/** Stacks the watchdog captured in real applications (paths under /srv/app), see the README. */
interface Recorded {
  durationMs: number;
  oldFingerprint: string;
  frames: Frame[];
}
const recorded = (name: string): Recorded[] =>
  JSON.parse(
    readFileSync(
      new URL(`../../../test/fixtures/real-stacks/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as Recorded[];
const inPackage = (s: Recorded, pkg: string): boolean =>
  s.frames.some((f) => f.file.includes(`/node_modules/${pkg}/`));

test('verdaccio: every bcryptjs stall (_key or _encipher, lines 1217/1218, chunk or first call) is one fingerprint', () => {
  const bcrypt = recorded('verdaccio-stacks').filter((s) => inPackage(s, 'bcryptjs'));
  assert.ok(bcrypt.length >= 5, `${bcrypt.length} recorded bcryptjs stacks`);
  assert.ok(new Set(bcrypt.map((s) => s.oldFingerprint)).size >= 5, 'they used to be apart');
  assert.equal(new Set(bcrypt.map((s) => fingerprint(s.frames, '/srv/app'))).size, 1);
  const key = bcrypt.find((s) => s.frames[0]?.function === '_key');
  assert.match(label(key!.frames, '/srv/app'), /^_key \(bcryptjs\/dist\/bcrypt\.js:\d+\)$/);
});

test('json-server: the write stall is labelled by the native stringify and its place in lowdb', () => {
  const stacks = recorded('json-server-stacks');
  const write = stacks.find((s) => s.frames[0]?.function === 'stringify');
  assert.ok(write);
  assert.equal(
    label(write.frames, '/srv/app'),
    'stringify (native) ← stringify (lowdb/adapters/_stringify.js:5)',
  );
});

test('Express + marked: every marked stall from one route is one fingerprint, labelled in marked', () => {
  const marked = recorded('express-stacks').filter((s) => inPackage(s, 'marked'));
  assert.ok(marked.length >= 3, `${marked.length} recorded marked stacks`);
  assert.ok(new Set(marked.map((s) => s.oldFingerprint)).size >= 2, 'they used to be apart');
  assert.equal(new Set(marked.map((s) => fingerprint(s.frames, '/srv/app'))).size, 1);
  for (const s of marked)
    assert.match(label(s.frames, '/srv/app'), /\(marked\/lib\/marked\.esm\.js:\d+\)$/);
});

test('an application frame calling into a package keeps two call sites apart', () => {
  const from = (line: number): Frame[] => [
    frame('_key', '/srv/app/node_modules/bcryptjs/dist/bcrypt.js', 1110),
    frame('login', '/srv/app/src/auth.js', line),
  ];
  assert.notEqual(fingerprint(from(10), '/srv/app'), fingerprint(from(20), '/srv/app'));
  assert.equal(label(from(10), '/srv/app'), '_key (bcryptjs/dist/bcrypt.js:1110)');
  assert.equal(
    label([frame('stringify', '', 0, 0), frame('save', '/srv/app/src/db.js', 5)], '/srv/app'),
    'stringify (native) ← save (src/db.js:5)',
  );
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

test("a busy loop is placed at the app's function, not at a getter a sample landed in", async () => {
  const { busyRecord } = await import('../../src/watchdog/busy-event.js');
  const { BUSY_EVENT } = await import('../../src/names.js');
  const cwd = process.cwd();
  const hot = [
    frame('crunchChunk', `${cwd}/busy.js`, 16, 3),
    frame('handleLogin', `${cwd}/busy.js`, 24, 3),
  ];
  // Node 22 and later define the global `performance` as a getter in node:internal code.
  const inGetter = [
    frame('get performance', 'node:internal/bootstrap/web/exposed-window-or-worker', 60, 9),
    ...hot,
  ];
  const record = busyRecord({
    startEpochMs: 0,
    durationMs: 6000,
    utilization: 0.95,
    thresholdUtilization: 0.9,
    samples: [inGetter, hot, inGetter],
  })!;
  const attrs = record.attributes as Record<string, unknown>;
  assert.equal(attrs[BUSY_EVENT.attributes.function], 'crunchChunk');
  assert.equal(attrs[BUSY_EVENT.attributes.hottestSamples], 3, 'one culprit, one group');
  const frames = attrs[BUSY_EVENT.attributes.frames] as Frame[];
  assert.equal(frames[0]?.function, 'crunchChunk', 'the stack shown starts at the place');
});
