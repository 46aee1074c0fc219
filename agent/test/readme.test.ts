import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { promNameOf } from '@loopscope/collector/prometheus-name';
import { AGENT_ERRORS } from '../src/errors.js';
import { METRICS, type MetricDef } from '../src/names.js';
import { settingsTableRows } from '../src/options.js';

const README = new URL('../../README.md', import.meta.url);

/** The metrics table of the README, one array of cells per row. */
function tableRows(marker = 'metrics-table'): string[][] {
  const text = readFileSync(README, 'utf8');
  const block = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(
    text,
  )?.[1];
  assert.ok(block, `README has the ${marker} markers`);
  return block
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2) // header and separator
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

const code = (s: string): string => (s ? `\`${s}\`` : '');

test('the README metrics table is exactly names.ts, in order', () => {
  const expected = Object.values<MetricDef>(METRICS).map((d) => [
    code(d.name),
    code(promNameOf(d)),
    d.kind,
    code(d.unit),
    (d.attributes ?? []).map(code).join(', '),
    d.description,
  ]);
  const lines = expected.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  assert.deepEqual(tableRows(), expected, `expected rows (run prettier after pasting):\n${lines}`);
});

test('the README configuration table is exactly the options table, in order', () => {
  const expected = settingsTableRows();
  const lines = expected.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  assert.deepEqual(
    tableRows('options-table'),
    expected,
    `expected rows (run prettier after pasting):\n${lines}`,
  );
});

test('the README messages table lists every code of errors.ts, in order, with its level', () => {
  const rows = tableRows('errors-table');
  const entries = Object.entries(AGENT_ERRORS);
  assert.deepEqual(
    rows.map(([code, level]) => [code, level]),
    entries.map(([code, { level }]) => [`\`${code}\``, level]),
  );
  for (const [i, [code, { then }]] of entries.entries()) {
    assert.ok(rows[i]?.[3]?.includes(then), `${code}: "what happens next" says "${then}"`);
  }
});
