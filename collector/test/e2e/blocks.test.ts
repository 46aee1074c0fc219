// A real app with the agent loaded the zero-code way blocks its loop in
// burnCpu; the watchdog's event reaches GET /api/v1/blocks over OTLP logs
// (both protocols) and the stall is counted in /metrics, in one family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, waitFor } from '@loopscope/testkit';
import { METRICS } from '@loopscope/agent/names';
import { promNameOf } from '../../src/prometheus/name.js';
import { scrape, sampleValue, startInProcess } from '../helpers/collector.js';
import type { BlocksResponse } from '../../src/api/blocks.js';

const REGISTER = import.meta.resolve('@loopscope/agent/register');
const BLOCKS = promNameOf(METRICS.eventloopBlocks);

// Line 2 of the script is burnCpu's loop.
const APP = `
function burnCpu(ms) { const end = Date.now() + ms; while (Date.now() < end); }
let burns = 0;
const timer = setInterval(() => { burnCpu(300); if (++burns === 3) { clearInterval(timer); console.log('blocked'); } }, 1000);
setInterval(() => {}, 1000);
console.log('app started');
`;

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`a blocked loop reaches the blocks API and /metrics (${protocol})`, async (t) => {
    const { url } = await startInProcess(t);
    const instance = `blocker-${protocol.slice(5)}`;
    const app = startNode(['--import', REGISTER, '-e', APP], {
      env: {
        OTEL_SERVICE_NAME: 'blocker',
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_METRIC_EXPORT_INTERVAL: '500',
      },
    });
    t.after(() => app.stop('SIGKILL', 1000));
    await app.waitForOutput(/blocked/);

    const view = await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/blocks?job=blocker&instance=${instance}`);
        const body = (await res.json()) as BlocksResponse;
        const stack = body.stacks.find((s) => s.frames[0]?.function === 'burnCpu');
        return stack && { body, stack };
      },
      { what: 'a burnCpu stall in /api/v1/blocks', timeoutMs: 30_000 },
    );
    // Three burns, so that a capture a loaded machine delays past one of them (it then
    // names later code) does not decide; at least one names burnCpu on its line.
    const { stack } = view;
    assert.ok(stack.count >= 1 && stack.count <= 3, `${stack.count} stalls on the burnCpu stack`);
    assert.equal(stack.frames[0]?.line, 2);
    const durations = view.body.recent.map((r) => r.durationMs);
    assert.ok(
      durations.some((d) => d >= 290 && d < 600),
      `durations ${durations.join(', ')}`,
    );
    assert.ok(view.body.recent.every((r) => r.thresholdMs === 100));

    const series = `${BLOCKS}{job="blocker",instance="${instance}"}`;
    const metrics = await waitFor(
      async () => {
        const text = await scrape(url);
        return (sampleValue(text, series) ?? 0) >= 3 && text;
      },
      { what: `${series} at least 3 in /metrics`, timeoutMs: 30_000 },
    );
    assert.equal(metrics.match(new RegExp(`^# TYPE ${BLOCKS} `, 'gm'))?.length, 1, 'one family');
  });
}
