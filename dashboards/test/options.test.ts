import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  DEFAULT_OPTIONS,
  OPTIONS,
  OptionError,
  durationSeconds,
  normalizeOptions,
} from '../src/options.js';
import { CLI } from './helpers/repo.js';

test('defaults are the documented ones and frozen', () => {
  assert.equal(DEFAULT_OPTIONS.loopDelayWarning, 0.1);
  assert.equal(DEFAULT_OPTIONS.loopDelayCriticalFor, '2m');
  assert.equal(DEFAULT_OPTIONS.runbookBase, 'docs/runbook.md');
  assert.ok(Object.isFrozen(DEFAULT_OPTIONS));
  assert.deepEqual(normalizeOptions(), DEFAULT_OPTIONS);
});

test('overrides accept numbers and CLI strings', () => {
  const o = normalizeOptions({ utilization: '0.8', heapRatio: 0.7, senderStaleFor: '90s' });
  assert.equal(o.utilization, 0.8);
  assert.equal(o.heapRatio, 0.7);
  assert.equal(o.senderStaleFor, '90s');
  assert.equal(o.loopDelayWarning, DEFAULT_OPTIONS.loopDelayWarning);
});

test('bad values and unknown options throw OptionError naming the flag', () => {
  assert.throws(
    () => normalizeOptions({ loopDelayWarning: -1 }),
    (e: unknown) => e instanceof OptionError && /--loop-delay-warning/.test(e.message),
  );
  assert.throws(() => normalizeOptions({ loopDelayWarning: 0 }), /positive number of seconds/);
  assert.throws(() => normalizeOptions({ heapRatio: 1 }), /ratio between 0 and 1/);
  assert.throws(() => normalizeOptions({ collectorDropRate: Number.NaN }), /expected a number/);
  assert.throws(
    () => normalizeOptions({ runbookBase: ' ' }),
    /--runbook-base: expected a non-empty string/,
  );
  assert.throws(
    () => normalizeOptions({ heapFor: '5' }),
    /--heap-for: expected a Prometheus duration/,
  );
  assert.throws(
    () => normalizeOptions({ resourcesGrowthFactor: 1 }),
    /--resources-growth-factor must be above 1/,
  );
  assert.throws(
    () => normalizeOptions({ loopDelay: 1 }),
    /unknown option "loopDelay"; known: runbookBase/,
  );
});

test('durations convert like Prometheus reads them', () => {
  assert.equal(durationSeconds('90s'), 90);
  assert.equal(durationSeconds('1h30m'), 5400);
  assert.equal(durationSeconds('0s'), 0);
  assert.equal(durationSeconds('250ms'), 0.25);
  assert.throws(() => durationSeconds('1.5h'), OptionError);
});

test('every option has a distinct flag and a help text', () => {
  const flags = Object.values(OPTIONS).map((s) => s.flag);
  assert.equal(new Set(flags).size, flags.length);
  for (const s of Object.values(OPTIONS)) assert.ok(s.help.length > 10, s.flag);
});

test('the renamed thread-pool options stop with the new name, from the API and the CLI', () => {
  assert.throws(
    () => normalizeOptions({ threadpoolQueueDelay: 0.2 }),
    (e: unknown) =>
      e instanceof OptionError &&
      /"threadpoolQueueDelay" was removed: use --threadpool-wait /.test(e.message),
  );
  const run = spawnSync(process.execPath, [CLI, '--threadpool-queue-delay-for=10m', '--check'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    /--threadpool-queue-delay-for was removed: use --threadpool-wait-for .*loopscope_threadpool_wait_seconds/,
  );
  assert.equal(run.stdout, '');
});
