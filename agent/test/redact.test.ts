/** Secrets never appear in a message: every setting that can carry one, each way it can fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '../src/options.js';
import { redact, redactUrl } from '../src/redact.js';

const TOKEN = 's3cr3t-T0ken-42';
const PASSWORD = 'hunter2-pw';

test('redact masks URL credentials, auth-scheme credentials and given secrets', () => {
  assert.equal(redactUrl(`https://bob:${PASSWORD}@gw.example/otlp`), 'https://***@gw.example/otlp');
  assert.equal(redactUrl('http://gw.example/v1/metrics'), 'http://gw.example/v1/metrics');
  const text = redact(
    `to http://u:${PASSWORD}@h:1/x failed; authorization=Bearer%20${TOKEN}; x=Basic ${TOKEN}`,
    ['custom-secret'],
  );
  assert.ok(!text.includes(PASSWORD) && !text.includes(TOKEN), text);
  assert.equal(redact('key custom-secret here', ['custom-secret']), 'key *** here');
});

const HEADER_SETTINGS = [
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
];
const URL_SETTINGS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
];

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

for (const variable of HEADER_SETTINGS) {
  test(`invalid ${variable}: the error names the key, never the token`, () => {
    for (const raw of [
      `authorization=Bearer%20${TOKEN},${TOKEN}`,
      `authorization=Bearer ${TOKEN},=x`,
      `authorization=${TOKEN}%E0%A4%A`,
    ]) {
      const message = messageOf(() => resolveOptions({}, { [variable]: raw }));
      assert.match(message, new RegExp(`^invalid ${variable}=.*authorization=`));
      assert.ok(!message.includes(TOKEN), message);
    }
  });
}

test('invalid option headers: the error never shows a value', () => {
  const message = messageOf(() =>
    resolveOptions({ headers: { authorization: `Bearer ${TOKEN}`, bad: {} as string } }, {}),
  );
  assert.match(message, /option headers/);
  assert.ok(!message.includes(TOKEN), message);
});

for (const variable of URL_SETTINGS) {
  test(`invalid ${variable} with a password: the error masks it`, () => {
    const message = messageOf(() =>
      resolveOptions({}, { [variable]: `ftp://bob:${PASSWORD}@gw.example/` }),
    );
    assert.match(message, new RegExp(`^invalid ${variable}="ftp://\\*\\*\\*@gw.example/"`));
    assert.ok(!message.includes(PASSWORD));
  });
}

test('invalid option endpoint / metricsEndpoint with a password: the error masks it', () => {
  for (const key of ['endpoint', 'metricsEndpoint'] as const) {
    const message = messageOf(() => resolveOptions({ [key]: `bob:${PASSWORD}@gw` }, {}));
    assert.ok(!message.includes(PASSWORD), message);
  }
});
