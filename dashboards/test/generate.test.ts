import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNode } from '@loopscope/testkit';
import { DASHBOARDS_DIR, generate, staleFiles, writeFiles } from '../src/generate.js';
import { DEFAULT_OPTIONS } from '../src/options.js';
import { CLI, REPO_ROOT, repoPath } from './helpers/repo.js';

test('the committed dashboards and rules equal a fresh generation with the default options', async () => {
  const stale = await staleFiles(REPO_ROOT, generate(DEFAULT_OPTIONS));
  assert.deepEqual(
    stale,
    [],
    `out of date: ${stale.join(', ')}; run npm run dashboards and commit`,
  );
});

test('generation is deterministic', () => {
  assert.deepEqual(generate(DEFAULT_OPTIONS), generate(DEFAULT_OPTIONS));
});

test('staleFiles reports changed, missing and leftover files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-gen-'));
  try {
    const files = generate(DEFAULT_OPTIONS);
    await writeFiles(dir, files);
    assert.deepEqual(await staleFiles(dir, files), []);
    const [first, second] = files;
    assert.ok(first && second);
    await writeFile(join(dir, first.path), `${first.content} `);
    await rm(join(dir, second.path));
    await writeFile(join(dir, DASHBOARDS_DIR, 'renamed-long-ago.json'), '{}');
    assert.deepEqual(await staleFiles(dir, files), [
      first.path,
      second.path,
      `${DASHBOARDS_DIR}/renamed-long-ago.json`,
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI --check passes on the committed files and fails, naming the file, on a stale copy', async () => {
  const ok = await runNode([CLI, '--check']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /5 generated files are up to date/);

  const dir = await mkdtemp(join(tmpdir(), 'loopscope-gen-'));
  try {
    await writeFiles(dir, generate(DEFAULT_OPTIONS));
    const written = await runNode([CLI, '--out', dir, '--loop-delay-warning', '0.2', '--check']);
    assert.equal(written.code, 1);
    assert.match(written.stderr, /deploy\/prometheus\/rules\/loopscope-alerts\.yml/);
    assert.match(written.stderr, /deploy\/grafana\/dashboards\/loopscope-fleet\.json/);
    assert.match(written.stderr, /^loopscope-dashboards: LOOPSCOPE_DASHBOARDS_STALE: out of date/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI writes the files with the options given', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-gen-'));
  try {
    const res = await runNode([
      CLI,
      '--out',
      dir,
      '--loop-delay-critical',
      '0.75',
      '--loop-delay-critical-for',
      '30s',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /wrote deploy\/prometheus\/rules\/loopscope-alerts\.yml/);
    const alerts = await readFile(
      join(dir, 'deploy/prometheus/rules/loopscope-alerts.yml'),
      'utf8',
    );
    assert.match(alerts, /p99_5m > 0\.75\n\s+for: 30s/);
    const committed = await readFile(
      repoPath('deploy/prometheus/rules/loopscope-alerts.yml'),
      'utf8',
    );
    assert.doesNotMatch(committed, /0\.75/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI prints every option with its default on --help', async () => {
  const res = await runNode([CLI, '--help']);
  assert.equal(res.code, 0);
  assert.match(res.stdout, /--loop-delay-warning SECONDS {2}\[0\.1\]/);
  assert.match(res.stdout, /--sender-stale-for DURATION {2}\[1m\]/);
  assert.match(res.stdout, /--check/);
});

test('the CLI rejects bad input with a message and exit code 2, without a stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['--loop-delay-warning', 'soon'], /--loop-delay-warning: expected a number \(got "soon"\)/],
    [['--utilization', '1.5'], /--utilization: expected a ratio between 0 and 1/],
    [['--heap-for', '5 minutes'], /--heap-for: expected a Prometheus duration/],
    [
      ['--loop-delay-critical', '0.05'],
      /--loop-delay-critical \(0\.05\) must be above --loop-delay-warning \(0\.1\)/,
    ],
    [['--no-such-flag'], /Unknown option '--no-such-flag'/],
  ];
  for (const [args, message] of cases) {
    const res = await runNode([CLI, ...args, '--check']);
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    assert.match(res.stderr, /^loopscope-dashboards: LOOPSCOPE_DASHBOARDS_(USAGE|BAD_OPTION): /);
  }
});
