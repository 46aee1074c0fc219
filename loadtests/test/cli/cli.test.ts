import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runNode } from '@loopscope/testkit';
import { CLI, shared, tempDir } from '../helpers/paths.js';
import { writeSyntheticRun } from '../helpers/synthetic-run.js';

const analyze = (...args: string[]) => runNode([CLI, ...args], { timeoutMs: 60_000 });
/** A Node stack frame line: what a user must never see. */
const STACK = /\n\s+at .+:\d+:\d+/;

test('--help lists the formats, the server options, the gates and the exit codes', async () => {
  const r = await analyze('--help');
  assert.equal(r.code, 0);
  for (const word of [
    '--out json',
    '--summary-export',
    'handleSummary',
    '--new-machine-readable-summary',
    '--prometheus',
    '--collector',
    '--job',
    '--baseline',
    'p95',
    'Exit codes',
  ])
    assert.ok(r.stdout.includes(word), word);
});

test('usage errors: one line on stderr, exit 2, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [[], /missing the k6 results file/],
    [['--bogus', 'x'], /Unknown option '--bogus'/],
    [['a.json', 'b.json'], /expected one results file, got 2/],
    [['x.json', '--prometheus', 'http://127.0.0.1:9'], /--job is required/],
    [['x.json', '--prometheus', 'http://a', '--collector', 'http://b', '--job', 'j'], /not both/],
    [['x.json', '--format', 'pdf'], /--format must be md, json or html/],
    [['x.json', '--gate', 'p95=lots'], /--gate expects KEY=PERCENT/],
    [['x.json', '--from', 'soon'], /--from must be an RFC 3339 time/],
  ];
  for (const [args, pattern] of cases) {
    const r = await analyze(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, STACK);
    assert.match(r.stderr, /^loopscope-analyze: LOOPSCOPE_ANALYZE_USAGE: /);
  }
});

test('malformed and truncated inputs: file, line, what is wrong; exit 2, no stack trace', async () => {
  const dir = tempDir();
  const ndjson = readFileSync(shared('json-output.xk6-dashboard.head200.ndjson'), 'utf8');
  const cut = join(dir, 'cut.ndjson');
  writeFileSync(cut, ndjson.slice(0, 5000));
  const summary = join(dir, 'cut-summary.json');
  writeFileSync(
    summary,
    readFileSync(shared('summary-export.ticket-reserve-2024.real.json'), 'utf8').slice(0, 1500),
  );
  const cases: [string, RegExp][] = [
    [cut, /cut\.ndjson:22: truncated: the last line is not complete JSON/],
    [summary, /cut-summary\.json:56: truncated: the JSON document ends before it is complete/],
    [join(dir, 'missing.ndjson'), /missing\.ndjson: no such file/],
  ];
  for (const [file, pattern] of cases) {
    const r = await analyze(file);
    assert.equal(r.code, 2, file);
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /^loopscope-analyze: LOOPSCOPE_ANALYZE_INPUT: /);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(r.stdout, '');
  }
});

test('an unreachable server is a clear error, not a crash', async () => {
  const port = await freePort();
  const r = await analyze(
    shared('json-output.xk6-dashboard.head200.ndjson'),
    '--collector',
    `http://127.0.0.1:${port}`,
    '--job',
    'shop/api',
  );
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    new RegExp(`cannot reach the collector at http://127.0.0.1:${port}: ECONNREFUSED`),
  );
  assert.match(r.stderr, /^loopscope-analyze: LOOPSCOPE_ANALYZE_SOURCE: /);
  assert.doesNotMatch(r.stderr, STACK);
});

test('Markdown on stdout, and JSON, HTML and Markdown files', async () => {
  const dir = tempDir();
  const [json, html, md] = ['r.json', 'r.html', 'r.md'].map((f) => join(dir, f)) as [
    string,
    string,
    string,
  ];
  const r = await analyze(
    shared('handleSummary-data.legacy.k6-reporter-simple.real.json'),
    '--json',
    json,
    '--html',
    html,
    '--md',
    md,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# loopscope-analyze: /);
  assert.match(r.stdout, /\| http_req_duration \| p\(95\)<1000 \| pass \| k6 \|/);
  assert.equal(readFileSync(md, 'utf8'), r.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8')) as {
    tool: string;
    overall: { requests: number };
    thresholdsPassed: boolean;
  };
  assert.equal(report.tool, 'loopscope-analyze');
  assert.equal(report.overall.requests, 878);
  assert.equal(report.thresholdsPassed, true);
  assert.ok(existsSync(html) && readFileSync(html, 'utf8').startsWith('<!doctype html>'));
});

test('--fail-on-thresholds exits 3 when k6 says a threshold failed', async () => {
  const file = shared('handleSummary-data.legacy.k6-reporter-grpc.real.json');
  assert.equal((await analyze(file)).code, 0);
  const r = await analyze(file, '--fail-on-thresholds');
  assert.equal(r.code, 3);
  assert.match(r.stdout, /\| fake_rate \| rate >= 0\.8 \| FAIL \| k6 \|/);
});

test('--baseline: a slower run exits 1 with the regression named; the same run against itself exits 0', async () => {
  const dir = tempDir();
  const base = join(dir, 'base.ndjson');
  const slow = join(dir, 'slow.ndjson');
  await writeSyntheticRun(base, { seconds: 5, rps: 40, latency: (_s, i) => 5 + (i % 5) });
  await writeSyntheticRun(slow, { seconds: 5, rps: 40, latency: (_s, i) => 8 + (i % 5) });
  const baseReport = join(dir, 'base-report.json');
  assert.equal((await analyze(base, '--json', baseReport)).code, 0);

  const same = await analyze(base, '--baseline', baseReport);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /\*\*Baseline: no regression\*\*/);

  const worse = await analyze(slow, '--baseline', baseReport, '--format', 'json');
  assert.equal(worse.code, 1, worse.stderr);
  const report = JSON.parse(worse.stdout) as {
    baseline: { regressed: boolean; results: { key: string; regressed: boolean }[] };
  };
  assert.equal(report.baseline.regressed, true);
  assert.ok(report.baseline.results.some((g) => g.key === 'p95' && g.regressed));

  // Raw k6 results work as a baseline too, and a gate can be widened.
  const widened = await analyze(
    slow,
    '--baseline',
    base,
    '--gate',
    'p95=100',
    '--gate',
    'p99=100',
    '--gate',
    'p95=100',
  );
  assert.equal(widened.code, 0, widened.stdout);
});
