/**
 * The light sender of the `hostile` benchmark, run in its own process so the
 * bodies the benchmark builds never delay it: one small OTLP/JSON export
 * every 50 ms and a GET /healthz every 100 ms, each line on stdout
 * `<kind> <Date.now() at start> <ms> <status>`.
 * Usage: node hostile-probe.js <collector url> <seconds>
 */
const [url = '', seconds = '10'] = process.argv.slice(2);
const until = Date.now() + Number(seconds) * 1000;
const body = JSON.stringify({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'light' } }] },
      scopeMetrics: [{ metrics: [{ name: 'light', gauge: { dataPoints: [{ asDouble: 1 }] } }] }],
    },
  ],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function loop(kind: string, everyMs: number, call: () => Promise<Response>): Promise<void> {
  while (Date.now() < until) {
    const at = Date.now();
    const started = performance.now();
    let status = 0;
    try {
      const res = await call();
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = -1;
    }
    process.stdout.write(`${kind} ${at} ${(performance.now() - started).toFixed(1)} ${status}\n`);
    await sleep(everyMs);
  }
}

await Promise.all([
  loop('export', 50, () =>
    fetch(`${url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  ),
  loop('healthz', 100, () => fetch(`${url}/healthz`)),
]);
