import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rfc3339Nano } from '../../src/autocannon/k6-ndjson.js';
import { parseRfc3339 } from '../../src/k6/time.js';
import { readResults } from '../../src/k6/read.js';
import { tempDir } from '../helpers/paths.js';
import { writeSyntheticRun } from '../helpers/synthetic-run.js';

test('times are written like k6 writes them (nanoseconds) and read back to the microsecond', () => {
  const t = Date.parse('2025-06-02T10:00:01.250Z') + 0.125;
  const text = rfc3339Nano(t);
  assert.match(text, /^2025-06-02T10:00:01\.250125000Z$/);
  assert.ok(Math.abs(parseRfc3339(text) - t) < 1e-3);
});

test('the writer emits k6 NDJSON: one Metric line per metric, then Points the analyser reads back exactly', async () => {
  const file = join(tempDir(), 'run.ndjson');
  const { requests } = await writeSyntheticRun(file, {
    seconds: 3,
    rps: 50,
    latency: (s) => 10 * (s + 1),
    names: ['ok', 'fs'],
  });
  assert.equal(requests, 150);
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { type: string; metric: string; data: { tags?: Record<string, string> } },
    );
  const metricLines = lines.filter((l) => l.type === 'Metric').map((l) => l.metric);
  assert.deepEqual(metricLines, [
    'http_reqs',
    'http_req_duration',
    'http_req_failed',
    'iterations',
  ]);
  assert.deepEqual(lines[1]?.data.tags, {
    name: 'ok',
    scenario: 'steady',
    testid: 'synthetic',
    url: 'http://127.0.0.1:3000/ok',
    status: '200',
    expected_response: 'true',
  });
  const r = await readResults(file);
  assert.equal(r.overall.requests, 150);
  assert.equal(r.overall.errors, 0);
  assert.deepEqual(
    r.timeline.map((b) => [b.requests, b.latency?.max]),
    [
      [50, 10],
      [50, 20],
      [50, 30],
    ],
  );
  assert.deepEqual(
    r.byName.map((g) => [g.key, g.requests]),
    [
      ['ok', 75],
      ['fs', 75],
    ],
  );
});
