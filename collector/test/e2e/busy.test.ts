// A real app with the agent loaded the zero-code way keeps its loop busy in
// ~70 ms chunks of a package's function (no stall over the threshold); the
// agent's busy-loop event reaches GET /api/v1/busy over OTLP logs (both
// protocols), naming the package's function and the app's caller.
// Margins: the busy run lasts 10 s, the agent needs ~3 s + 8 samples of
// ~250 ms; the test waits up to 40 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_APP, startNode, waitFor, writeBusyApp } from '@loopscope/testkit';
import { startInProcess } from '../helpers/collector.js';
import type { BusyResponse } from '../../src/api/busy.js';

const REGISTER = import.meta.resolve('@loopscope/agent/register');

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`a busy loop reaches /api/v1/busy with its culprit and caller (${protocol})`, async (t) => {
    const { url } = await startInProcess(t);
    const busyApp = await writeBusyApp();
    t.after(() => busyApp.remove());
    const instance = `busy-${protocol.slice(5)}`;
    const app = startNode(['--import', REGISTER, busyApp.script], {
      cwd: busyApp.dir,
      env: {
        OTEL_SERVICE_NAME: 'registry',
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        LOOPSCOPE_HOT_LOOP_SECONDS: '3',
        BUSY_MS: '10000',
      },
    });
    t.after(() => app.stop('SIGKILL', 1000));
    const view = await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/busy?job=registry&instance=${instance}`);
        const body = (await res.json()) as BusyResponse;
        return body.recent.length > 0 ? body : undefined;
      },
      { what: 'a busy-loop event in /api/v1/busy', timeoutMs: 40_000, intervalMs: 250 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; app stderr: ${app.stderr()}`);
    });
    const [event] = view.recent;
    assert.ok(event);
    t.diagnostic(
      `${event.label} <- ${event.caller}, ${event.utilization} for ${event.durationMs} ms`,
    );
    const { packageName, culprit, culpritLine, caller, callerLine } = BUSY_APP;
    assert.equal(event.label, `${culprit} (${packageName}/index.js:${culpritLine})`);
    assert.equal(event.caller, `${caller} (app.js:${callerLine})`);
    assert.ok(
      event.utilization >= 0.9 && event.utilization <= 1,
      `utilization ${event.utilization}`,
    );
    assert.ok(event.durationMs >= 3000, `busy for ${event.durationMs} ms, at least 3 s first`);
    assert.ok(event.hottestSamples >= 1 && event.hottestSamples <= event.samples);
    assert.deepEqual(
      event.frames.slice(0, 2).map((f) => f.function),
      [culprit, caller],
    );
    assert.equal(view.culprits[0]?.fingerprint, event.fingerprint);
    assert.equal(view.culprits[0]?.label, event.label);
  });
}
