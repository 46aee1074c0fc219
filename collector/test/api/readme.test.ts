import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SERIES } from '../../src/history/chart-series.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('the README documents exactly the series the API serves, with their units', () => {
  const api = readme.slice(readme.indexOf('## API'));
  const documented = [...api.matchAll(/^\| `([a-z0-9_.]+)` +\| `([^`]+)` +\|/gm)].map((m) => [
    m[1],
    m[2],
  ]);
  const served = Object.entries(SERIES).map(([name, def]) => [name, def.unit]);
  assert.deepEqual(documented, served);
});
