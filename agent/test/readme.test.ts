import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { promNameOf } from '@loopscope/collector/prometheus-name';
import { METRICS, type MetricDef } from '../src/names.js';

const README = new URL('../../README.md', import.meta.url);

/** The metrics table of the README, one array of cells per row. */
function tableRows(): string[][] {
  const text = readFileSync(README, 'utf8');
  const block = /<!-- metrics-table:start -->([\s\S]*?)<!-- metrics-table:end -->/.exec(text)?.[1];
  assert.ok(block, 'README has the metrics-table markers');
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
