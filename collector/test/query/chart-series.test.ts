import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERIES } from '../../src/history/chart-series.js';
import { SERIES_QUERIES } from '../../src/query/chart-series.js';
import { fleetQueries } from '../../src/query/fleet.js';
import { DEFAULT_HISTORY } from '../../src/history/bounds.js';
import { eq } from '../../src/promql/builders.js';
import { PromQueryClient } from '../../src/query/client.js';

test('every chart the API serves has its PromQL, and no other', () => {
  assert.deepEqual(Object.keys(SERIES_QUERIES).sort(), Object.keys(SERIES).sort());
});

test('fleet queries use the rank window for the ranking and the history window for the list', () => {
  const q = fleetQueries(DEFAULT_HISTORY);
  assert.match(
    q.loopDelayP99 ?? '',
    /^histogram_quantile\(0\.99, sum by \(job, instance, le\) \(rate\(.*_bucket\[60s\]\)\)\)$/,
  );
  assert.match(q.lastSeen ?? '', /\[900s\]/);
});

test('label values from users are PromQL strings, quotes and backslashes escaped', () => {
  assert.equal(eq('job', 'a"b\\c'), 'job="a\\"b\\\\c"');
});

test('credentials in the query URL become basic auth and leave the URL', () => {
  const c = new PromQueryClient('http://user:p%40ss@db.example:9090/prometheus/');
  assert.equal(c.url, 'http://db.example:9090/prometheus');
  assert.ok(!c.url.includes('p%40ss'));
});
