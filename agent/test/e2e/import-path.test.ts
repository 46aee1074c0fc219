/**
 * `--import @loopscope/agent/register` resolves from the working directory,
 * so a process started elsewhere (`cd / && node --import ... /srv/app/app.js`,
 * or NODE_OPTIONS for every process of a container) fails to start. The
 * absolute forms the README gives work from any directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startNode } from '@loopscope/testkit';
import { AGENT_DIR, fixture } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

const REGISTER = join(AGENT_DIR, 'dist/src/register.js');

for (const [form, specifier] of [
  ['absolute path', REGISTER],
  ['file: URL', pathToFileURL(REGISTER).href],
] as const) {
  test(`--import <${form}> from another working directory: the app runs and exports`, async (t) => {
    const receiver = await startReceiver(t);
    const child = startNode(['--import', specifier, fixture('exit-modes.js')], {
      cwd: tmpdir(),
      env: {
        APP_MODE: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '300',
      },
    });
    t.after(() => child.stop('SIGKILL', 1000));
    await child.waitForOutput(/"phase":"ready"/);
    await receiver.waitForExports(1, 10_000);
    assert.equal(receiver.exports[0]?.path, '/v1/metrics');
  });
}

test('the bare specifier from another working directory fails to start (why the README gives the absolute form)', async (t) => {
  const child = startNode(['--import', '@loopscope/agent/register', fixture('exit-modes.js')], {
    cwd: tmpdir(),
    env: { APP_MODE: 'none' },
  });
  t.after(() => child.stop('SIGKILL', 1000));
  assert.notEqual(await child.exited(), 0);
  assert.match(child.stderr(), /ERR_MODULE_NOT_FOUND/);
});
