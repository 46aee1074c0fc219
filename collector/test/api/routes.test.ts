import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { METRICS } from '@loopscope/agent/names';
import { historyReader } from '../../src/api/reader.js';
import { apiRoutes, type InstancesResponse, type SeriesResponse } from '../../src/api/routes.js';
import { History } from '../../src/history/history.js';
import { FakeSender, times } from '../helpers/fake-sender.js';

async function appWithData() {
  const history = new History();
  const now = Date.now();
  const calm = new FakeSender('shop/api', 'calm', now - 5000);
  const bad = new FakeSender('shop/api', 'bad', now - 5000);
  for (let i = 4; i >= 0; i--) {
    const t = now - i * 1000;
    history.listener(
      [
        calm.export(t, times(100, 0.001), { utilization: 0.05 }),
        bad.export(t, [...times(90, 0.001), ...times(10, 0.3)], { utilization: 0.7 }),
      ],
      t,
    );
  }
  const app = Fastify();
  await app.register(apiRoutes, { reader: historyReader(history) });
  return { app, now };
}

test('GET /api/v1/instances lists services with the worst instance first', async (t) => {
  const { app } = await appWithData();
  t.after(() => app.close());
  const res = await app.inject('/api/v1/instances');
  assert.equal(res.statusCode, 200);
  const body = res.json<InstancesResponse>();
  assert.equal(body.windowMs, 15 * 60_000);
  assert.equal(body.maxInstances, 200);
  assert.equal(body.untrackedInstances, 0);
  assert.deepEqual(
    body.services[0]?.instances.map((i) => [i.instance, i.state]),
    [
      ['bad', 'live'],
      ['calm', 'live'],
    ],
  );
  assert.ok((body.services[0]?.instances[0]?.loopDelayP99 ?? 0) > 0.2);
});

test('GET /api/v1/instances counts the instances a full history does not track', async (t) => {
  const history = new History({ maxInstances: 1 });
  const now = Date.now();
  const senders = ['a', 'b', 'c'].map((n) => new FakeSender('shop/api', n, now - 2000));
  for (const t of [now - 1000, now])
    history.listener(
      senders.map((s) => s.export(t, [0.001])),
      t,
    );
  const app = Fastify();
  await app.register(apiRoutes, { reader: historyReader(history) });
  t.after(() => app.close());
  const body = (await app.inject('/api/v1/instances')).json<InstancesResponse>();
  assert.equal(body.maxInstances, 1);
  assert.equal(body.untrackedInstances, 2);
  assert.deepEqual(
    body.services.flatMap((s) => s.instances.map((i) => [i.instance, i.points])),
    [['a', 2]],
  );
});

test('GET /api/v1/series returns aligned columns in the metric unit', async (t) => {
  const { app, now } = await appWithData();
  t.after(() => app.close());
  const qs = new URLSearchParams({
    job: 'shop/api',
    instance: 'bad',
    metric: METRICS.eventloopDelay.name,
    from: String(now - 2500),
  });
  const res = await app.inject(`/api/v1/series?${qs.toString()}`);
  assert.equal(res.statusCode, 200);
  const body = res.json<SeriesResponse>();
  assert.equal(body.unit, 's');
  assert.equal(body.t.length, 3, 'from cuts the older points');
  assert.deepEqual(
    body.series.map((s) => s.name),
    ['p50', 'p99', 'max'],
  );
  for (const s of body.series) assert.equal(s.values.length, body.t.length);
  const p99 = body.series.find((s) => s.name === 'p99')?.values ?? [];
  assert.ok(p99.every((v) => v !== null && v > 0.2));
});

test('bad series parameters get a 400 naming the parameter', async (t) => {
  const { app } = await appWithData();
  t.after(() => app.close());
  const metric = METRICS.eventloopDelay.name;
  const cases: [string, string, RegExp][] = [
    [`instance=bad&metric=${metric}`, 'job', /job is required/],
    [`job=shop/api&metric=${metric}`, 'instance', /instance is required/],
    ['job=shop/api&instance=bad', 'metric', /metric is required/],
    ['job=shop/api&instance=bad&metric=cpu', 'metric', /"cpu" is not served; expected one of/],
    [`job=shop/api&instance=bad&metric=${metric}&from=yesterday`, 'from', /from must be a time/],
    [`job=shop/api&instance=bad&metric=${metric}&to=-5`, 'to', /to must be a time/],
    [`job=shop/api&instance=bad&metric=${metric}&from=20&to=10`, 'from', /must not be after/],
    [`job=a&job=b&instance=bad&metric=${metric}`, 'job', /job must be given once/],
    [`job=shop/api&instance=bad&metrics=${metric}`, 'metrics', /unknown parameter metrics/],
  ];
  for (const [qs, parameter, message] of cases) {
    const res = await app.inject(`/api/v1/series?${qs}`);
    assert.equal(res.statusCode, 400, qs);
    const body = res.json<{ parameter: string; message: string }>();
    assert.equal(body.parameter, parameter, qs);
    assert.match(body.message, message, qs);
  }
});

test('an unknown instance is a 404 saying so', async (t) => {
  const { app } = await appWithData();
  t.after(() => app.close());
  const res = await app.inject(
    `/api/v1/series?job=shop/api&instance=nope&metric=${METRICS.heapUsed.name}`,
  );
  assert.equal(res.statusCode, 404);
  assert.match(res.json<{ message: string }>().message, /no instance "nope" of job "shop\/api"/);
});
