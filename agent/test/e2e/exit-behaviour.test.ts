/**
 * With the agent loaded, every app exits on every signal exactly as it does
 * without it (exit code or signal), at most the flush bound later; and the
 * last export still gets out. Each case runs the same app with and without
 * the agent side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import type { Child } from '@loopscope/testkit';
import { startAgentChild } from '../helpers/agent-child.js';
import { startReceiver } from '../helpers/receiver.js';

type Mode = 'none' | 'handler-exit' | 'handler-stay' | 'signal-exit-v3' | 'signal-exit-v4';

/** No periodic export happens during a test: what arrives is the flush. */
const QUIET = { OTEL_METRIC_EXPORT_INTERVAL: '600000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' };

function app(t: TestContext, mode: Mode, agent: boolean, endpoint?: string, env = {}): Child {
  return startAgentChild(t, 'exit-modes.js', {
    noRegister: !agent,
    endpoint,
    env: { APP_MODE: mode, ...QUIET, ...env },
  });
}

/** Exit code or signal, or 'alive' when still running after `ms`. */
function outcome(child: Child, ms: number): Promise<number | string> {
  return Promise.race([
    child.exited(),
    new Promise<string>((r) => setTimeout(() => r('alive'), ms)),
  ]);
}

const CASES: [Mode, NodeJS.Signals, number | string][] = [
  ['none', 'SIGTERM', 'SIGTERM'],
  ['none', 'SIGINT', 'SIGINT'],
  ['handler-exit', 'SIGTERM', 7],
  ['handler-stay', 'SIGTERM', 'alive'],
  ['signal-exit-v3', 'SIGTERM', 'SIGTERM'],
  ['signal-exit-v3', 'SIGINT', 'SIGINT'],
  ['signal-exit-v4', 'SIGTERM', 'SIGTERM'],
  ['signal-exit-v4', 'SIGINT', 'SIGINT'],
];

for (const [mode, signal, expected] of CASES) {
  test(`${mode}, ${signal}: ${String(expected)} with the agent as without it, and the last export is sent`, async (t) => {
    const receiver = await startReceiver(t);
    const bare = app(t, mode, false);
    const withAgent = app(t, mode, true, receiver.url);
    await Promise.all([bare, withAgent].map((c) => c.waitForOutput(/"phase":"ready"/)));
    bare.process.kill(signal);
    withAgent.process.kill(signal);
    // Generous: the flush bound is 2 s, and the machine is shared.
    const [without, withIt] = await Promise.all([outcome(bare, 6000), outcome(withAgent, 6000)]);
    assert.equal(without, expected, `without the agent: ${bare.stderr()}`);
    assert.equal(withIt, without, `with the agent: ${withAgent.stderr()}`);
    if (mode.startsWith('signal-exit'))
      assert.match(withAgent.stdout(), /"phase":"on-exit"/, "the app's exit hook ran");
    await receiver.waitForExports(1, 5000);
    if (expected === 'alive') {
      // A second signal: still the app's decision, and flushed again.
      withAgent.process.kill(signal);
      await receiver.waitForExports(2, 5000);
      assert.equal(await outcome(withAgent, 500), 'alive');
      assert.equal(withAgent.stdout().match(/"phase":"ignored"/g)?.length, 2);
    }
  });
}

/** A collector that accepts connections and never answers. */
async function blackHole(t: TestContext): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

for (const mode of ['none', 'signal-exit-v4'] as const) {
  test(`black-holed collector, ${mode}: SIGTERM exits by SIGTERM within LOOPSCOPE_SHUTDOWN_FLUSH_MS, whatever the export timeout`, async (t) => {
    const endpoint = await blackHole(t);
    const child = app(t, mode, true, endpoint, {
      OTEL_METRIC_EXPORT_TIMEOUT: '60000',
      LOOPSCOPE_SHUTDOWN_FLUSH_MS: '1000',
    });
    await child.waitForOutput(/"phase":"ready"/);
    const start = Date.now();
    child.process.kill('SIGTERM');
    assert.equal(await outcome(child, 15_000), 'SIGTERM');
    const took = Date.now() - start;
    // It waited for the flush (>= the bound), and not for the 60 s export timeout.
    assert.ok(took >= 900 && took < 6000, `exited after ${took} ms`);
  });
}
