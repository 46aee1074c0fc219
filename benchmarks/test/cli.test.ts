import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runNode } from '@loopscope/testkit';
import { BENCH_ERRORS } from '../src/errors.js';
import { message, script, startScript } from '../src/children.js';

const cli = script('cli');

test('--help lists every benchmark and exits 0', async () => {
  const r = await runNode([cli, '--help']);
  assert.equal(r.code, 0);
  for (const name of ['cpu', 'samplers', 'load', 'collector', 'accuracy', 'memory'])
    assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
});

test('an unknown benchmark or a bad --rounds is a clear error with exit code 2', async () => {
  const unknown = await runNode([cli, 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown benchmark "nope"; known: cpu, /);
  assert.match(unknown.stderr, /^loopscope-bench: LOOPSCOPE_BENCH_UNKNOWN_BENCHMARK: /);
  const rounds = await runNode([cli, '--rounds', '0', 'cpu']);
  assert.equal(rounds.code, 2);
  assert.match(rounds.stderr, /--rounds must be an integer from 1 to 100, got 0/);
  assert.match(rounds.stderr, /^loopscope-bench: LOOPSCOPE_BENCH_USAGE: /);
});

test('a child that dies before its message fails at once, with its stderr', async () => {
  const child = startScript('apps/idle', [], { env: { BENCH_TOOL: 'nope' } });
  const started = Date.now();
  await assert.rejects(
    message(child, 'BENCH_READY', 60_000),
    /exited \(1\) before BENCH_READY:[\s\S]*unknown BENCH_TOOL nope/,
  );
  assert.ok(Date.now() - started < 20_000);
});

test('every error code is in the README with its exit status', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const [code, { exit }] of Object.entries(BENCH_ERRORS)) {
    assert.match(readme, new RegExp(`\\| \`${code}\`\\s*\\| ${exit} `), code);
  }
});
