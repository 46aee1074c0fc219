import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { readResults } from '../../src/k6/read.js';
import { shared, tempDir } from '../helpers/paths.js';

const CSV = readFileSync(shared('csv-output.k6-docs-example.csv'), 'utf8');

test('k6 docs CSV: built-in types looked up, values and Unix-second times exact', async () => {
  const r = await readResults(shared('csv-output.k6-docs-example.csv'));
  assert.equal(r.format, 'csv');
  assert.equal(r.overall.requests, 1);
  assert.equal(r.overall.latency?.max, 221.899);
  const byName = new Map(r.summary.metrics.map((m) => [m.name, m]));
  assert.equal(byName.get('http_req_duration')?.type, 'trend');
  assert.equal(byName.get('data_received')?.values.count, 11045);
  assert.deepEqual(byName.get('checks')?.values, { rate: 0.5, passes: 1, fails: 1 });
  assert.deepEqual(byName.get('vus_max')?.values, { value: 20, min: 20, max: 20 });
  assert.equal(r.startMs, 1595325560000);
  assert.equal(r.endMs, 1595325561000);
  assert.deepEqual(
    r.byName.map((g) => g.key),
    ['http://test.k6.io'],
  );
  assert.deepEqual(r.summary.warnings, []);
});

test('newer CSV columns: extra_tags are tags, metadata is ignored, custom metrics are flagged as guessed', async () => {
  const file = join(tempDir(), 'new.csv');
  writeFileSync(
    file,
    [
      'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata',
      'http_req_duration,1700000000,12.5,,,,true,,GET,ok,HTTP/1.1,steady,,200,,,http://x/ok,testid=run-1&zone=a,trace_id=abc',
      'my_custom,1700000001,3,,,,,,,,,steady,,,,,,testid=run-1,',
    ].join('\n'),
  );
  const r = await readResults(file);
  assert.equal(r.byName[0]?.key, 'ok');
  assert.equal(r.summary.metrics.find((m) => m.name === 'my_custom')?.type, 'trend');
  assert.match(r.summary.warnings.join(), /my_custom read as trends/);
});

async function rejects(content: string, line: number, pattern: RegExp) {
  const file = join(tempDir(), 'bad.csv');
  writeFileSync(file, content);
  await assert.rejects(readResults(file), (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.line, line);
    assert.match(err.message, pattern);
    return true;
  });
}

test('a truncated CSV line, a bad number, an unclosed quote: each names its line', async () => {
  const lines = CSV.split('\n');
  await rejects(
    lines.slice(0, 6).join('\n') + '\n' + (lines[6] ?? '').slice(0, 30),
    7,
    /expected 16 columns.*truncated/,
  );
  await rejects(
    `${lines[0]}\n${(lines[1] ?? '').replace('1.000000', 'one')}\n`,
    2,
    /metric_value is not a number: "one"/,
  );
  await rejects(
    `${lines[0]}\n${lines[1]}\nchecks,1595325561,1.000000,"status is 200,,,,,,,default,,,,,\n`,
    3,
    /quoted field is never closed/,
  );
});
