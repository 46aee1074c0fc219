import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isOwnFrame, ownRoots } from '../../src/watchdog/own-frames.js';

const frame = (file: string) => ({ function: 'f', file, line: 1, column: 1 });

test("the agent's source and its export packages are its own; its tests, the app and Node are not", () => {
  const roots = ownRoots();
  const src = new URL('../../src/watchdog/watchdog.js', import.meta.url);
  const exporter = createRequire(import.meta.url).resolve('@opentelemetry/otlp-exporter-base');
  assert.ok(isOwnFrame(frame(src.href), roots), 'an ES module of the agent, by URL');
  assert.ok(isOwnFrame(frame(exporter), roots), 'otlp-exporter-base, by path');
  assert.ok(isOwnFrame(frame(pathToFileURL(exporter).href), roots));
  assert.ok(!isOwnFrame(frame(new URL('../fixtures/busy.js', import.meta.url).href), roots));
  assert.ok(!isOwnFrame(frame('/srv/app/node_modules/hashlib/index.js'), roots));
  assert.ok(!isOwnFrame(frame('node:internal/streams/readable'), roots));
  assert.ok(!isOwnFrame(frame(''), roots), 'native');
  assert.ok(!isOwnFrame(frame('file:bad'), roots), 'a URL that is no path');
});
