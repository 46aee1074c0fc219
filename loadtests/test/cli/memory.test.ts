import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runNode } from '@loopscope/testkit';
import { CLI, PACKAGE_DIR, tempDir } from '../helpers/paths.js';
import { writeSyntheticRun } from '../helpers/synthetic-run.js';

/**
 * Bounded memory: a ~105 MB NDJSON (about 480,000 k6 Points) is analysed
 * with the V8 heap capped at 48 MB. Keeping the samples would need several
 * times that; streaming into sketches needs a few MB per thousand buckets.
 */
test(
  'a large NDJSON streams through a 48 MB heap and gives the exact request count',
  { timeout: 120_000 },
  async (t) => {
    const dir = tempDir();
    const file = join(dir, 'big.ndjson');
    try {
      const { requests, bytes } = await writeSyntheticRun(file, {
        seconds: 300,
        rps: 400,
        latency: (s, i) => 2 + ((s * 31 + i * 17) % 97) / 10,
        names: ['ok', 'fs', 'dns', 'pbkdf2'],
      });
      assert.ok(bytes > 100e6, `file is ${bytes} bytes`);
      const started = Date.now();
      const run = await runNode(
        [
          '--max-old-space-size=48',
          '--import',
          join(PACKAGE_DIR, 'dist/test/helpers/report-rss.js'),
          CLI,
          file,
          '--format',
          'json',
        ],
        { timeoutMs: 110_000 },
      );
      const seconds = (Date.now() - started) / 1000;
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as {
        overall: { requests: number };
        timeline: unknown[];
      };
      assert.equal(report.overall.requests, requests);
      assert.equal(report.timeline.length, 300);
      const rssMb = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]) / 1024;
      assert.ok(rssMb < 200, `peak RSS ${rssMb} MB`);
      t.diagnostic(
        `${(bytes / 1e6).toFixed(0)} MB NDJSON in ${seconds.toFixed(1)} s, peak RSS ${rssMb.toFixed(0)} MB`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
