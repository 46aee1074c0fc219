import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runNode, startNode } from '@loopscope/testkit';

const cli = fileURLToPath(new URL('../../src/target/cli.js', import.meta.url));

test('--help describes every endpoint and exits 0', async () => {
  const { code, stdout } = await runNode([cli, '--help']);
  assert.equal(code, 0);
  for (const path of ['/ok', '/block', '/pbkdf2', '/fs', '/dns', '/leak', '/leak/release']) {
    assert.ok(stdout.includes(path), path);
  }
});

test('bad flags exit 2 with a message', async () => {
  const badPort = await runNode([cli, '--port', '70000']);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--port must be an integer/);
  const unknown = await runNode([cli, '--nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--nope/);
});

test('listens on the port from the environment and stops on SIGTERM', async (t) => {
  const child = startNode([cli], { env: { PORT: '0' } });
  t.after(() => child.stop('SIGKILL'));
  const [, url] = await child.waitForOutput(/listening on (http:\S+)/);
  const res = await fetch(`${url}/leak?n=3`);
  assert.equal(res.status, 200);
  // Leaked sockets must not keep the process alive past SIGTERM.
  assert.equal(await child.stop('SIGTERM', 5_000), 0);
});
