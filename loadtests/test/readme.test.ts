import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LOADTESTS_ERRORS } from '../src/errors.js';
import { EXIT } from '../src/cli/main.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('every error code is in the README with its exit status', () => {
  for (const [code, { exit }] of Object.entries(LOADTESTS_ERRORS)) {
    assert.match(readme, new RegExp(`\\| \`${code}\`\\s*\\| ${exit} `), code);
  }
});

test("loopscope-analyze's exit statuses are the table's", () => {
  assert.equal(EXIT.usage, LOADTESTS_ERRORS.LOOPSCOPE_ANALYZE_USAGE.exit);
  assert.match(
    readme,
    new RegExp(`Exit codes: 0 ok, ${EXIT.regression} regression, ${EXIT.usage} bad usage`),
  );
});
