// The remote-write settings: repeatable flags, comma-separated environment
// variables, defaults from the issue, and errors that say what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@loopscope/testkit';
import { parseCli } from '../../src/cli/parse.js';
import { DEFAULT_CONFIG } from '../../src/config.js';

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCli(argv, env);
  return parsed.help ? DEFAULT_CONFIG : parsed.config;
}

test('remote-write defaults: off, 10s, 64 MiB, 5,000 samples, 4 in flight, scrape endpoint on', () => {
  const c = config([]);
  assert.deepEqual(c.remoteWriteUrls, []);
  assert.equal(c.remoteWriteTimeoutMs, 10_000);
  assert.equal(c.remoteWriteQueueBytes, 64 * 1024 * 1024);
  assert.equal(c.remoteWriteMaxBatchSamples, 5000);
  assert.equal(c.remoteWriteConcurrency, 4);
  assert.equal(c.scrapeEndpoint, true);
});

test('--remote-write-url and --remote-write-header repeat; the env takes comma-separated lists', () => {
  const dir = tempDir('loopscope-rw-');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, '\n  s3cret \n');
  const c = config([
    '--remote-write-url',
    'http://a:9090/api/v1/write',
    '--remote-write-url',
    'https://b/api/v1/push',
    '--remote-write-header',
    'X-Scope-OrgID=team-a',
    '--remote-write-header',
    'X-Other = 1=2',
    '--remote-write-bearer-token-file',
    tokenFile,
    '--remote-write-timeout',
    '3s',
    '--remote-write-queue-bytes',
    '1MiB',
    '--remote-write-max-batch-samples',
    '100',
    '--remote-write-concurrency',
    '2',
    '--no-scrape-endpoint',
  ]);
  assert.deepEqual(c.remoteWriteUrls, ['http://a:9090/api/v1/write', 'https://b/api/v1/push']);
  assert.deepEqual(c.remoteWriteHeaders, [
    ['X-Scope-OrgID', 'team-a'],
    ['X-Other', '1=2'],
  ]);
  assert.equal(c.remoteWriteBearerToken, 's3cret');
  assert.equal(c.remoteWriteTimeoutMs, 3000);
  assert.equal(c.remoteWriteQueueBytes, 1024 * 1024);
  assert.equal(c.remoteWriteMaxBatchSamples, 100);
  assert.equal(c.remoteWriteConcurrency, 2);
  assert.equal(c.scrapeEndpoint, false);

  const e = config([], {
    LOOPSCOPE_REMOTE_WRITE_URL: 'http://a/w, http://b/w',
    LOOPSCOPE_REMOTE_WRITE_HEADER: 'X-Scope-OrgID=t',
    LOOPSCOPE_SCRAPE_ENDPOINT: 'false',
  });
  assert.deepEqual(e.remoteWriteUrls, ['http://a/w', 'http://b/w']);
  assert.deepEqual(e.remoteWriteHeaders, [['X-Scope-OrgID', 't']]);
  assert.equal(e.scrapeEndpoint, false);
});

test('bad remote-write settings are refused with what to do, never echoing a password', () => {
  assert.throws(() => parseCli(['--no-scrape-endpoint'], {}), /needs a --remote-write-url/);
  assert.throws(
    () => parseCli(['--remote-write-header', 'no-equals-sign'], {}),
    /expected name=value/,
  );
  assert.throws(
    () => parseCli(['--remote-write-url', 'ftp://x/write'], {}),
    /must be http or https/,
  );
  assert.throws(
    () => parseCli(['--remote-write-url', 'http://user:hunter2@[bad'], {}),
    (err: Error) => /not a URL/.test(err.message) && !err.message.includes('hunter2'),
  );
  assert.throws(
    () => parseCli(['--remote-write-concurrency', '0'], {}),
    /remote-write-concurrency/,
  );
});
