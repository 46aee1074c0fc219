import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { readResults } from '../../src/k6/read.js';
import { OWN_FIXTURES, SHARED_K6_FIXTURES, tempDir } from '../helpers/paths.js';

const EXPECTED: Record<string, string> = {
  'csv-output.k6-docs-example.csv': 'csv',
  'handleSummary-data.legacy.k6-reporter-grpc.real.json': 'handle-summary',
  'handleSummary-data.legacy.k6-reporter-simple.real.json': 'handle-summary',
  'json-output.k6-golden-lines.ndjson': 'ndjson',
  'json-output.xk6-dashboard.head200.ndjson': 'ndjson',
  'summary-export.k6-html-reporter-2020.real.json': 'summary-export',
  'summary-export.qr-code-generator-2021.real.json': 'summary-export',
  'summary-export.ticket-reserve-2024.real.json': 'summary-export',
  'machine-readable-summary.k6-generated-types.generated.json': 'machine-readable-summary',
  'machine-readable-summary.published-schema.generated.json': 'machine-readable-summary',
  'summary-export.thresholds.generated.json': 'summary-export',
};

test('every shared k6 fixture and every generated one parses, with its format detected from the content', async () => {
  const files = [
    ...readdirSync(SHARED_K6_FIXTURES)
      .filter((f) => f !== 'README.md')
      .map((f) => join(SHARED_K6_FIXTURES, f)),
    ...readdirSync(OWN_FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(OWN_FIXTURES, f)),
  ];
  assert.ok(files.length >= 11, `found ${files.length} fixtures`);
  for (const file of files) {
    const name = file.split('/').pop() ?? '';
    const r = await readResults(file);
    assert.equal(r.format, EXPECTED[name], name);
    assert.ok(r.summary.metrics.length > 0, `${name} has metrics`);
  }
});

test('unknown content, empty files, JSON that is not a summary and missing files are clear input errors', async () => {
  const dir = tempDir();
  const cases: [string, string, RegExp][] = [
    ['notes.txt', 'hello\n', /not a k6 result file/],
    ['empty.json', '\n\n', /empty file/],
    ['other.json', '{"name": "package", "version": 1}', /JSON, but not a k6 summary/],
    [
      'broken.json',
      '{\n  "metrics": {\n    "http_reqs": { "count": 1,, }\n  }\n}\n',
      /broken.json:3: malformed JSON at column \d+: \w+Expected/,
    ],
    [
      'cut.json',
      '{\n  "metrics": {\n    "http_reqs": { "count": 1',
      /cut.json:3: truncated: the JSON document ends/,
    ],
    [
      'wrong.json',
      '{"metrics": {"http_reqs": {"count": "many"}}}',
      /metrics\["http_reqs"\]\.count must be a finite number/,
    ],
    [
      'future.json',
      '{"version": "2.0.0", "results": {"metrics": []}}',
      /version 2.0.0 is not supported/,
    ],
  ];
  for (const [name, content, pattern] of cases) {
    const file = join(dir, name);
    writeFileSync(file, content);
    await assert.rejects(
      readResults(file),
      (err: unknown) => err instanceof InputError && pattern.test(err.message),
      name,
    );
  }
  await assert.rejects(readResults(join(dir, 'missing.json')), /missing.json: no such file/);
  await assert.rejects(readResults(dir), /is a directory/);
});
