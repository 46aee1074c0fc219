import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logsUrl } from '../../src/options.js';

test('block events go where the metrics go, at /v1/logs', () => {
  assert.equal(logsUrl('http://localhost:4318/v1/metrics', {}), 'http://localhost:4318/v1/logs');
  assert.equal(
    logsUrl('https://collector.example:9999/otlp/v1/metrics', {}),
    'https://collector.example:9999/otlp/v1/logs',
  );
});

test('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is used as is', () => {
  assert.equal(
    logsUrl('http://localhost:4318/v1/metrics', {
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:1234/ingest',
    }),
    'http://logs:1234/ingest',
  );
  assert.throws(
    () =>
      logsUrl('http://localhost:4318/v1/metrics', {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'logs:1234',
      }),
    /OTEL_EXPORTER_OTLP_LOGS_ENDPOINT/,
  );
});

test('a metrics URL of another shape: the base endpoint + /v1/logs', () => {
  assert.equal(logsUrl('http://m:1/custom', {}), 'http://localhost:4318/v1/logs');
  assert.equal(
    logsUrl('http://m:1/custom', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318/prefix' }),
    'http://base:4318/prefix/v1/logs',
  );
});
