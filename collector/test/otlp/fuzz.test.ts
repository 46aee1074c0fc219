// Random bytes and mutated valid exports through the pure ingest path
// (decode -> store -> exposition) and over HTTP: every input is either
// stored or refused with OtlpDecodeError / a 4xx, never a crash, and the
// exposition stays parseable by promtool.
import { test } from 'node:test';
import { ATTR, METRICS } from '@loopscope/agent/names';
import assert from 'node:assert/strict';
import { decodeMetricsExport } from '../../src/otlp/metrics.js';
import { OtlpDecodeError } from '../../src/otlp/errors.js';
import { renderStore } from '../../src/prometheus/exposition.js';
import { raw } from '../helpers/http.js';
import { scrape, startInProcess } from '../helpers/collector.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';
import { seeded, type Random } from '../helpers/random.js';
import { sdkHarness, serialize } from '../helpers/sdk.js';
import { storeWith } from '../helpers/model.js';

async function seeds(): Promise<{ protobuf: Buffer; json: Buffer }> {
  const h = sdkHarness({ 'service.name': 'fuzz', 'service.instance.id': 'seed', 'host.name': 'h' });
  h.meter.createCounter('requests', { unit: '{request}' }).add(5, { route: '/a', code: 200 });
  h.meter.createUpDownCounter('queue').add(-3, { q: 'x' });
  h.meter.createGauge('util', { unit: '1' }).record(0.5);
  h.meter
    .createHistogram('latency', { unit: 's', advice: { explicitBucketBoundaries: [0.01, 0.1, 1] } })
    .record(0.05, { ok: true });
  const rm = await h.collect();
  await h.provider.shutdown();
  return { protobuf: serialize(rm, 'protobuf'), json: serialize(rm, 'json') };
}

function mutateBytes(r: Random, input: Buffer): Buffer {
  const b = Buffer.from(input);
  switch (r.int(5)) {
    case 0:
      for (let i = 0, n = 1 + r.int(4); i < n; i++) b[r.int(b.length)]! ^= 1 << r.int(8);
      return b;
    case 1:
      for (let i = 0, n = 1 + r.int(4); i < n; i++) b[r.int(b.length)] = r.int(256);
      return b;
    case 2:
      return b.subarray(0, r.int(b.length));
    case 3: {
      const at = r.int(b.length);
      return Buffer.concat([b.subarray(0, at), r.bytes(1 + r.int(16)), b.subarray(at)]);
    }
    default: {
      const at = r.int(b.length);
      const len = r.int(Math.min(64, b.length - at));
      return Buffer.concat([
        b.subarray(0, at + len),
        b.subarray(at, at + len),
        b.subarray(at + len),
      ]);
    }
  }
}

const ODD_VALUES = [
  null,
  -1,
  1e308,
  'NaN',
  '-Infinity',
  '',
  'x'.repeat(300),
  [],
  {},
  [{}],
  true,
  '18446744073709551616',
  0.5,
  // Names Object.prototype already has: user data must never become a plain-object key.
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];

/** Replace one value somewhere in the JSON tree with something of another shape. */
function mutateJson(r: Random, input: Buffer): Buffer {
  const tree = JSON.parse(input.toString()) as unknown;
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown): void => {
    if (v && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    }
  };
  walk(tree);
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const c = r.pick(containers);
    const keys = Object.keys(c);
    if (keys.length === 0) continue;
    (c as Record<string, unknown>)[r.pick(keys)] = r.pick(ODD_VALUES);
  }
  return Buffer.from(JSON.stringify(tree));
}

test('fuzz: 4000 random and mutated bodies through decode, store and exposition', async () => {
  const { protobuf, json } = await seeds();
  const r = seeded(20_241);
  const store = storeWith({ maxSeries: 100_000, maxCardinality: 1000 });
  const outcomes = { stored: 0, refused: 0 };
  for (let i = 0; i < 4000; i++) {
    const kind = i % 4;
    const encoding = kind === 0 || kind === 1 ? 'protobuf' : 'json';
    const body =
      kind === 0
        ? r.bytes(r.int(400))
        : kind === 1
          ? mutateBytes(r, protobuf)
          : kind === 2
            ? mutateBytes(r, json)
            : mutateJson(r, json);
    try {
      const decoded = decodeMetricsExport(body, encoding);
      store.ingest(decoded.resourceMetrics, 1_000 + i, decoded.rejections);
      outcomes.stored++;
    } catch (err) {
      if (!(err instanceof OtlpDecodeError)) {
        assert.fail(`case ${i} (${encoding}) threw ${String(err)}: ${body.toString('base64')}`);
      }
      assert.ok(err.message.length > 10, 'the error says something');
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.stored > 100 && outcomes.refused > 100, JSON.stringify(outcomes));
  const text = renderStore(store, false, 1_000);
  const check = await promtoolCheckMetrics(text);
  // Fuzzed names may draw lint remarks (e.g. a gauge ending in _total); a parse error is a bug.
  assert.ok(!/error while linting|parsing error/.test(check.output), check.output);
  renderStore(store, true, 1_000);
});

test('fuzz over HTTP: 300 mutated bodies get 200 or 400, never 5xx', async (t) => {
  const { protobuf, json } = await seeds();
  const c = await startInProcess(t);
  const r = seeded(7);
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const proto = i % 2 === 0;
    const body = proto ? mutateBytes(r, protobuf) : mutateJson(r, json);
    const res = await raw(`${c.url}/v1/metrics`, {
      headers: { 'content-type': proto ? 'application/x-protobuf' : 'application/json' },
      body,
    });
    seen.add(res.status);
    assert.ok([200, 400].includes(res.status), `case ${i}: ${res.status} ${res.body.toString()}`);
  }
  assert.deepEqual([...seen].sort(), [200, 400]);
  const check = await promtoolCheckMetrics(await scrape(c.url));
  assert.ok(!/error while linting|parsing error/.test(check.output), check.output);
});

/** Names Object.prototype already has, as every kind of user-supplied name. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

test('fuzz corpus: __proto__, constructor, toString, hasOwnProperty as every kind of name', async (t) => {
  const c = await startInProcess(t);
  const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const body = {
    resourceMetrics: PROTOTYPE_NAMES.map((n) => ({
      resource: {
        attributes: [kv('service.name', n), kv('service.instance.id', n), kv(n, n)],
      },
      scopeMetrics: [
        {
          metrics: [
            ...PROTOTYPE_NAMES.map((m) => ({
              name: m,
              unit: m,
              gauge: {
                dataPoints: [
                  { timeUnixNano: String(Date.now() * 1e6), asDouble: 1, attributes: [kv(m, n)] },
                ],
              },
            })),
            {
              name: METRICS.resourceActive.name,
              unit: METRICS.resourceActive.unit,
              gauge: {
                dataPoints: PROTOTYPE_NAMES.map((type, i) => ({
                  timeUnixNano: String(Date.now() * 1e6),
                  asInt: String(i + 1),
                  attributes: [kv(ATTR.resourceType, type)],
                })),
              },
            },
          ],
        },
      ],
    })),
  };
  const res = await raw(`${c.url}/v1/metrics`, {
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });
  assert.equal(res.status, 200, res.body.toString());
  assert.deepEqual(JSON.parse(res.body.toString()), {}, 'every point accepted');
  const text = await scrape(c.url);
  const check = await promtoolCheckMetrics(text);
  assert.ok(!/error while linting|parsing error/.test(check.output), check.output);
  for (const n of PROTOTYPE_NAMES) {
    assert.ok(text.includes(`instance="${n}"`), `instance ${n} exposed`);
  }
  assert.doesNotMatch(text, /native code|function/);
  const api = (await (await fetch(`${c.url}/api/v1/instances`)).json()) as {
    services: { instances: { instance: string; activeResources: number | null }[] }[];
  };
  const instances = api.services.flatMap((s) => s.instances);
  assert.equal(instances.length, 4, JSON.stringify(api));
  for (const i of instances) assert.equal(i.activeResources, 10, JSON.stringify(i));
});
