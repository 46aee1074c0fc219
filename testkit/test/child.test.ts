import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, runNode } from '../src/child.js';
import { waitFor } from '../src/wait.js';

test('startNode captures output and stop() escalates to SIGKILL', async () => {
  const child = startNode([
    '-e',
    'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)',
  ]);
  await child.waitForOutput(/ready/);
  const code = await child.stop('SIGTERM', 300);
  assert.equal(code, 'SIGKILL');
});

test('runNode returns the exit code and output', async () => {
  const r = await runNode(['-e', 'console.error("boom"); process.exit(3)']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /boom/);
});

test('waitFor names what it waited for and the last error', async () => {
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('not yet');
      },
      { what: 'the impossible', timeoutMs: 200, intervalMs: 50 },
    ),
    /the impossible.*not yet/,
  );
});
