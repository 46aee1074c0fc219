import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ALERT_NAMES } from '../../src/rules/alerts.js';
import { repoPath } from '../helpers/repo.js';
import { tool } from '../helpers/tools.js';

const PROM_CONFIG = repoPath('deploy/prometheus/prometheus.yml');
const AM_CONFIG = repoPath('deploy/alertmanager/alertmanager.yml');

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  static_configs?: { targets: string[] }[];
}

test('promtool check config accepts deploy/prometheus/prometheus.yml and finds the generated rule files', async () => {
  const out = await tool('promtool', 'check', 'config', PROM_CONFIG);
  assert.match(out, /SUCCESS: 2 rule files found/);
  assert.match(
    out,
    new RegExp(`loopscope-alerts\\.yml\\s+SUCCESS: ${ALERT_NAMES.length} rules found`),
  );
});

test('the collector scrape job keeps the agents labels (honor_labels: true)', async () => {
  const config = parse(await readFile(PROM_CONFIG, 'utf8')) as { scrape_configs: ScrapeConfig[] };
  const job = config.scrape_configs.find((s) => s.job_name === 'loopscope-collector');
  assert.equal(job?.honor_labels, true);
  assert.deepEqual(job?.static_configs?.[0]?.targets, ['collector:4318']);
});

test('amtool accepts the Alertmanager example', async () => {
  const out = await tool('amtool', 'check-config', AM_CONFIG);
  assert.match(out, /SUCCESS/);
});

test('critical alerts route to oncall, warnings to the team', async () => {
  const route = async (...labels: string[]) =>
    (await tool('amtool', 'config', 'routes', 'test', `--config.file=${AM_CONFIG}`, ...labels))
      .trim()
      .split('\n')[0];
  assert.equal(await route('alertname=LoopEventLoopDelayCritical', 'severity=critical'), 'oncall');
  assert.equal(await route('alertname=LoopSenderStale', 'severity=warning'), 'team');
});

test('the inhibit rule names alerts that exist', async () => {
  const config = parse(await readFile(AM_CONFIG, 'utf8')) as {
    inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[];
  };
  for (const rule of config.inhibit_rules) {
    for (const m of [...rule.source_matchers, ...rule.target_matchers]) {
      const name = /^alertname="(\w+)"$/.exec(m)?.[1];
      assert.ok(name && (ALERT_NAMES as readonly string[]).includes(name), m);
    }
  }
});
