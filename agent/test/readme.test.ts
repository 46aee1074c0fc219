import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { promNameOf } from '@loopscope/collector/prometheus-name';
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
