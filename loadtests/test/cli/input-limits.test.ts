import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runNode } from '@loopscope/testkit';
import { CLI, tempDir } from '../helpers/paths.js';

/**
 * Input bombs (issue 15, item 11), each analysed with the V8 heap capped at
 * 48 MB: a 64 MB line in a small .gz used to become one string (a raw
 * RangeError or an out-of-memory crash), 100 MB of newlines took readline
 * tens of seconds of CPU, and nothing bounded what a gzip inflates to.
 */

const METRIC =
  '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}';
const point = (s: number) =>
  `{"type":"Point","data":{"time":"2026-01-01T00:00:0${s}Z","value":1,"tags":{"name":"ok"}},"metric":"http_reqs"}`;

async function analyze(file: string, ...extra: string[]) {
  return runNode(
    ['--max-old-space-size=48', CLI, '--no-progress', '--format', 'json', ...extra, file],
    {
      timeoutMs: 90_000,
    },
  );
}

test(
  'a 64 MB line in a small gzip stops at the line-length limit, naming line and limit',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'long-line.ndjson.gz');
      const body = Buffer.alloc(64 * 1024 * 1024, 'a');
      writeFileSync(
        file,
        gzipSync(Buffer.concat([Buffer.from(`${METRIC}\n{"type":"Point","metric":"`), body])),
      );
      const run = await analyze(file);
      assert.equal(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /long-line\.ndjson\.gz:2: line longer than 1048576 bytes \(--max-line-bytes\)/,
      );
      assert.doesNotMatch(run.stderr, /RangeError|\n\s+at /);
      const raised = await analyze(file, '--max-line-bytes', '2MiB');
      assert.match(raised.stderr, /:2: line longer than 2097152 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a first line longer than the format peek is still read as NDJSON and stopped by the limit',
  { timeout: 60_000 },
  async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'first-line.gz');
      writeFileSync(
        file,
        gzipSync(
          Buffer.concat([Buffer.from('{"type":"Point","metric":"'), Buffer.alloc(8 << 20, 'a')]),
        ),
      );
      const run = await analyze(file);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /first-line\.gz:1: line longer than 1048576 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a CSV record past the limit names its line and the limit', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'long.csv.gz');
    const header = 'metric_name,timestamp,metric_value,name\n';
    const row = 'http_reqs,1767225600,1,ok\n';
    writeFileSync(
      file,
      gzipSync(
        Buffer.concat([
          Buffer.from(header + row + 'http_reqs,1767225601,1,'),
          Buffer.alloc(4 << 20, 'a'),
          Buffer.from('\n'),
        ]),
      ),
    );
    const run = await analyze(file);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /long\.csv\.gz:3: line longer than 1048576 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  '100 MB of empty lines are counted cheaply and later lines keep their numbers',
  { timeout: 120_000 },
  async () => {
    const dir = tempDir();
    try {
      const good = join(dir, 'newlines.ndjson.gz');
      const blank = Buffer.alloc(100_000_000, '\n');
      writeFileSync(
        good,
        gzipSync(
          Buffer.concat([
            Buffer.from(`${METRIC}\n${point(1)}\n`),
            blank,
            Buffer.from(`${point(2)}\n`),
          ]),
          { level: 1 },
        ),
      );
      const started = process.hrtime.bigint();
      const run = await analyze(good);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        (JSON.parse(run.stdout) as { overall: { requests: number } }).overall.requests,
        2,
      );
      // readline needed ~40 s of CPU for this here; the byte loop needs about one.
      assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s`);

      const bad = join(dir, 'newlines-bad.ndjson.gz');
      writeFileSync(
        bad,
        gzipSync(
          Buffer.concat([Buffer.from(`${METRIC}\n`), blank, Buffer.from(`{oops\n${point(3)}\n`)]),
          {
            level: 1,
          },
        ),
      );
      const badRun = await analyze(bad);
      assert.equal(badRun.code, 2);
      assert.match(badRun.stderr, /newlines-bad\.ndjson\.gz:100000002: malformed JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a gzip that inflates past --max-input-bytes stops with the limit named',
  { timeout: 60_000 },
  async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'bomb.ndjson.gz');
      const lines = Array.from({ length: 50_000 }, (_, i) => point(i % 10)).join('\n');
      writeFileSync(file, gzipSync(`${METRIC}\n${lines}\n`));
      const run = await analyze(file, '--max-input-bytes', '1MiB');
      assert.equal(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /bomb\.ndjson\.gz: the input is larger than 1048576 bytes once decompressed \(--max-input-bytes\)/,
      );
      const ok = await analyze(file);
      assert.equal(ok.code, 0, ok.stderr);
      const bad = await analyze(file, '--max-input-bytes', 'lots');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--max-input-bytes must be a byte count/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
