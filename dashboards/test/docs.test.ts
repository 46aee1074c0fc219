import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ALERT_NAMES, alertingRules, runbookAnchor } from '../src/rules/alerts.js';
import { DASHBOARDS_ERRORS } from '../src/errors.js';
import { DEFAULT_OPTIONS, OPTIONS } from '../src/options.js';
import { repoPath } from './helpers/repo.js';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchors = (markdown: string): Set<string> =>
  new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      (m[1] ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );

test('every alert links to a section of docs/runbook.md that exists', async () => {
  const sections = anchors(await readFile(repoPath('docs/runbook.md'), 'utf8'));
  for (const rule of alertingRules(DEFAULT_OPTIONS).rules) {
    const [file, anchor] = rule.annotations.runbook_url.split('#');
    assert.equal(file, 'docs/runbook.md');
    assert.equal(anchor, runbookAnchor(rule.alert));
    assert.ok(sections.has(anchor ?? ''), `docs/runbook.md has no section #${anchor}`);
  }
});

test('the runbook base is configurable', () => {
  const base = 'https://github.com/acme/loopscope/blob/main/docs/runbook.md';
  const rules = alertingRules({ ...DEFAULT_OPTIONS, runbookBase: base }).rules;
  assert.ok(rules.every((r) => r.annotations.runbook_url.startsWith(`${base}#`)));
});

test('dashboards/README.md lists every option with its default and every alert', async () => {
  const readme = await readFile(repoPath('dashboards/README.md'), 'utf8');
  for (const spec of Object.values(OPTIONS)) {
    const row = new RegExp(
      `\\| \`--${spec.flag}\` +\\| \`${String(spec.default).replace('.', '\\.')}\` +\\|`,
    );
    assert.match(readme, row, `--${spec.flag} with default ${spec.default}`);
  }
  for (const alert of ALERT_NAMES) assert.ok(readme.includes(`| \`${alert}\``), alert);
});

test('every error code is in the README with its exit status', async () => {
  const readme = await readFile(repoPath('dashboards/README.md'), 'utf8');
  for (const [code, { exit }] of Object.entries(DASHBOARDS_ERRORS)) {
    assert.match(readme, new RegExp(`\\| \`${code}\`\\s*\\| ${exit} `), code);
  }
});
