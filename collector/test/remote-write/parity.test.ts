// Remote write into a real Prometheus carries exactly the samples of
// GET /metrics (names, labels, values), deltas arrive accumulated, nothing
// is rejected, and an expired sender's series end with staleness markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPrometheus, waitFor, type PromSample } from '@loopscope/testkit';
import { scrape, startInProcess } from '../helpers/collector.js';
import { sdkHarness, serialize, type SdkHarness } from '../helpers/sdk.js';

const OOO = 'storage:\n  tsdb:\n    out_of_order_time_window: 10m';

async function post(url: string, h: SdkHarness): Promise<void> {
  const res = await fetch(`${url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: serialize(await h.collect(), 'protobuf'),
  });
  assert.equal(res.status, 200, await res.text());
}

/** `name{a="x",...} value` lines of an exposition, keyed by name and sorted labels. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable line ${line}`);
    const labels: [string, string][] = [];
    for (const p of (m[2] ?? '').matchAll(/([^=,]+)="((?:[^"\\]|\\.)*)"/g)) {
      const value = p[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      if (value !== '') labels.push([p[1]!, value]);
    }
    out.set(key(m[1]!, labels), Number(m[3]));
  }
  return out;
}

function key(name: string, labels: [string, string][]): string {
  labels.sort(([a], [b]) => (a < b ? -1 : 1));
  return `${name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

function fromPrometheus(samples: PromSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const { __name__: name, ...labels } = s.metric;
    out.set(key(name!, Object.entries(labels)), Number(s.value![1]));
  }
  return out;
}

test('remote write: the samples of /metrics, accumulated deltas, no rejections, staleness on expiry', async (t) => {
  const prom = await startPrometheus({
    targets: [],
    flags: ['--web.enable-remote-write-receiver'],
    extraConfig: OOO,
  });
  t.after(() => prom.stop());
  const { url, app } = await startInProcess(t, {
    remoteWriteUrls: [`${prom.url}/api/v1/write`],
    expireAfterMs: 2500,
  });

  const senders = [
    sdkHarness({ 'service.name': 'rw', 'service.instance.id': 'a', 'service.version': '1.2' }),
    sdkHarness({ 'service.name': 'rw', 'service.instance.id': 'b', 'host.name': 'h"1' }, 'delta'),
  ];
  for (const [i, h] of senders.entries()) {
    const counter = h.meter.createCounter('work.items', { unit: '{item}' });
    const hist = h.meter.createHistogram('work.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    const gauge = h.meter.createUpDownCounter('queue.depth');
    for (let k = 0; k < 3; k++) {
      counter.add(k + i + 1, { kind: 'x' });
      counter.add(2, { kind: 'y\\z' });
      hist.record(0.05 * (k + 1));
      hist.record(2);
      gauge.add(k - 1);
      await post(url, h);
    }
  }

  const exposed = parseExposition(await scrape(url));
  // Only the senders' samples: the collector's own metrics are not per sender.
  for (const k of [...exposed.keys()]) {
    if (k.startsWith('loopscope_collector_')) exposed.delete(k);
  }
  assert.ok(exposed.size >= 20, `exposition too small: ${exposed.size}`);
  let written = new Map<string, number>();
  await waitFor(
    async () => {
      written = fromPrometheus(await prom.query('{job="rw"}'));
      return written.size >= exposed.size;
    },
    { what: 'every sample of /metrics in Prometheus', timeoutMs: 20_000 },
  );
  assert.deepEqual(
    [...written.entries()].sort(),
    [...exposed.entries()].sort(),
    'remote-written series and values equal those of /metrics',
  );
  // The delta sender's counter arrived accumulated: 1+2+3 for kind=x.
  assert.equal(
    written.get(
      key('work_items_total', [
        ['instance', 'b'],
        ['job', 'rw'],
        ['kind', 'x'],
      ]),
    ),
    2 + 3 + 4,
  );

  const rejected = await prom.query(
    'sum(prometheus_http_requests_total{handler="/api/v1/write",code!~"2.."}) or vector(0)',
  );
  assert.equal(Number(rejected[0]!.value![1]), 0, 'Prometheus rejected no write');
  const self = await scrape(url);
  assert.match(
    self,
    /loopscope_collector_remote_write_samples_total\{remote="http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write",result="sent"\} [1-9]/,
  );
  assert.match(self, /loopscope_collector_remote_write_samples_total\{[^}]*result="dropped"\} 0/);
  assert.match(self, /loopscope_collector_remote_write_requests_total\{[^}]*code="204"\} [1-9]/);

  // The senders stop: once they expire, their series end at once (staleness
  // markers) instead of lingering for Prometheus' 5-minute lookback.
  await waitFor(async () => (await prom.query('{job="rw"}')).length === 0, {
    what: 'staleness markers to end every series of the expired senders',
    timeoutMs: 15_000,
  });
  // Markers, not a gap: the last values are still there just before.
  const before = await prom.query('count(last_over_time(work_items_total{job="rw"}[1m]))');
  assert.equal(Number(before[0]!.value![1]), 4);
  // On close the queues are flushed, with the collector's own metrics last.
  await app.close();
  const own = await prom.query(
    'loopscope_collector_remote_write_samples_total{job="loopscope-collector",result="sent"}',
  );
  assert.equal(own.length, 1, "the collector's own metrics were remote-written");
  assert.ok(Number(own[0]!.value![1]) > 0);
});
