// The collector README documents every setting, error code and own metric,
// from the same declarations the code uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ENV_ONLY, OPTIONS } from '../src/cli/options.js';
import { INGEST_ERRORS } from '../src/ingest/errors.js';
import {
  COLLECTOR_METRICS,
  DROP_REASONS,
  EXPORT_RESULTS,
  REMOTE_WRITE_METRICS,
  REMOTE_WRITE_RESULTS,
} from '../src/self-metric-names.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('every flag and environment variable is in the README settings table', () => {
  for (const o of OPTIONS) {
    assert.ok(readme.includes(`| \`--${o.flag}`), `--${o.flag}`);
    assert.ok(readme.includes(`\`${o.env}\``), String(o.env));
  }
  for (const e of ENV_ONLY) assert.ok(readme.includes(`\`${e.env}\``), e.env);
});

test('every ingest error code is in the README with its HTTP status', () => {
  for (const [code, { status }] of Object.entries(INGEST_ERRORS)) {
    assert.match(readme, new RegExp(`\\| \`${code}\`\\s*\\| ${status} `), code);
  }
});

test("the collector's own metrics, drop reasons and export results are documented", () => {
  for (const name of Object.values(COLLECTOR_METRICS)) assert.ok(readme.includes(name), name);
  for (const reason of DROP_REASONS) assert.ok(readme.includes(`\`${reason}\``), reason);
  for (const result of EXPORT_RESULTS) assert.ok(readme.includes(`\`${result}\``), result);
  for (const name of Object.values(REMOTE_WRITE_METRICS)) assert.ok(readme.includes(name), name);
  for (const result of REMOTE_WRITE_RESULTS) assert.ok(readme.includes(`\`${result}\``), result);
});
