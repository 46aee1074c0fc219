import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@loopscope/testkit';
import { parseCli } from '../../src/cli/parse.js';
import { OPTIONS, helpText } from '../../src/cli/options.js';
import { DEFAULT_CONFIG } from '../../src/config.js';

function config(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCli(argv, env);
  assert.equal(parsed.help, false);
  return parsed.help ? DEFAULT_CONFIG : parsed.config;
}

test('defaults are the issue text: 127.0.0.1:4318, 5m, 16 MiB, 1,000,000 series', () => {
  const c = config([]);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 4318);
  assert.equal(c.expireAfterMs, 300_000);
  assert.equal(c.maxBodyBytes, 16 * 1024 * 1024);
  assert.equal(c.maxSeries, 1_000_000);
  assert.equal(c.rollup, 'none');
  assert.equal(c.selfMonitor, true);
  assert.deepEqual(c.promoteResourceAttributes, [
    'deployment.environment.name',
    'service.version',
    'k8s.namespace.name',
    'k8s.pod.name',
  ]);
});

test('every setting has a flag and an environment variable; flags win', () => {
  const c = config(
    [
      '--port',
      '9000',
      '--expire-after',
      '90s',
      '--max-body-bytes',
      '2MiB',
      '--rollup',
      'job',
      '--no-self-monitor',
    ],
    {
      LOOPSCOPE_PORT: '1',
      LOOPSCOPE_HOST: '0.0.0.0',
      LOOPSCOPE_MAX_SERIES: '1_000',
      LOOPSCOPE_MAX_CARDINALITY: '50',
      LOOPSCOPE_MAX_ATTRIBUTE_LENGTH: '100',
      LOOPSCOPE_MAX_CONCURRENT_EXPORTS: '8',
      LOOPSCOPE_PROMOTE_RESOURCE_ATTRIBUTES: 'a.b, c',
      LOOPSCOPE_SELF_MONITOR: 'on',
      LOOPSCOPE_LOG_LEVEL: 'debug',
      LOOPSCOPE_SHUTDOWN_TIMEOUT: '2s',
    },
  );
  assert.equal(c.port, 9000);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.expireAfterMs, 90_000);
  assert.equal(c.maxBodyBytes, 2 * 1024 * 1024);
  assert.equal(c.maxSeries, 1000);
  assert.equal(c.maxCardinality, 50);
  assert.equal(c.maxAttributeLength, 100);
  assert.equal(c.maxConcurrentExports, 8);
  assert.deepEqual(c.promoteResourceAttributes, ['a.b', 'c']);
  assert.equal(c.selfMonitor, false, '--no-self-monitor beats the env');
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.shutdownTimeoutMs, 2000);
  assert.equal(c.rollup, 'job');
  for (const o of OPTIONS) {
    assert.ok(o.env?.startsWith('LOOPSCOPE_'), `--${o.flag} has an env var`);
    assert.ok(helpText().includes(`--${o.flag}`) && helpText().includes(o.env ?? '?'), o.flag);
  }
  assert.ok(helpText().includes('LOOPSCOPE_AUTH_TOKENS'));
});

test('tokens from a file and from LOOPSCOPE_AUTH_TOKENS; TLS files are read', () => {
  const dir = tempDir('loopscope-cli-');
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, '# agents\nabc\n\n  def  \n');
  writeFileSync(join(dir, 'cert.pem'), 'CERT');
  writeFileSync(join(dir, 'key.pem'), 'KEY');
  const c = config(
    [
      '--auth-token-file',
      tokens,
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'key.pem'),
    ],
    { LOOPSCOPE_AUTH_TOKENS: 'ghi, jkl' },
  );
  assert.deepEqual(c.authTokens, ['abc', 'def', 'ghi', 'jkl']);
  assert.deepEqual(c.tls, { cert: 'CERT', key: 'KEY' });
  const empty = join(dir, 'empty');
  writeFileSync(empty, '# nothing\n');
  assert.throws(
    () => parseCli(['--auth-token-file', empty], {}),
    /--auth-token-file ".*empty": no token given/,
  );
});

test('invalid settings are refused with the setting named', () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--port', '70000'], {}, /--port: "70000" is not a port/],
    [[], { LOOPSCOPE_PORT: 'http' }, /LOOPSCOPE_PORT: "http" is not a port/],
    [['--expire-after', '5'], {}, /--expire-after: "5" is not a duration/],
    [['--max-body-bytes', '16 potatoes'], {}, /--max-body-bytes: "16 potatoes" is not a size/],
    [['--max-series', '0'], {}, /--max-series: "0" is not a positive integer/],
    [['--rollup', 'instance'], {}, /--rollup: "instance" is not one of none, job/],
    [[], { LOOPSCOPE_SELF_MONITOR: 'maybe' }, /LOOPSCOPE_SELF_MONITOR: "maybe" is not a boolean/],
    [['--log-level', 'loud'], {}, /--log-level: "loud" is not one of/],
    [['--tls-cert', '/dev/null'], {}, /--tls-cert and --tls-key go together/],
    [['--tls-key', '/nonexistent/key.pem'], {}, /--tls-key: cannot read "\/nonexistent\/key.pem"/],
    [['--host', ''], {}, /host must not be empty/],
    [['--prot', '1'], {}, /Unknown option '--prot'/],
    [
      ['--query-url', 'prometheus:9090'],
      {},
      /--query-url: "prometheus:9090" is not an http\(s\) URL/,
    ],
    [
      [],
      { LOOPSCOPE_QUERY_URL: 'ftp://x' },
      /LOOPSCOPE_QUERY_URL: "ftp:\/\/x" is not an http\(s\) URL/,
    ],
    [['extra'], {}, /positional argument/],
  ];
  for (const [argv, env, message] of cases) {
    assert.throws(() => parseCli(argv, env), message, `${argv.join(' ')} ${JSON.stringify(env)}`);
  }
});
