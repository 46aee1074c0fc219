import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generate, writeFiles, RULES_DIR } from '../../src/generate.js';
import { ALERT_NAMES } from '../../src/rules/alerts.js';
import { DEFAULT_OPTIONS, normalizeOptions } from '../../src/options.js';
import { coveredAlerts, promtoolTests } from '../helpers/promtool-tests.js';
import { repoPath } from '../helpers/repo.js';
import { tool } from '../helpers/tools.js';

const COMMITTED = ['loopscope-recording.yml', 'loopscope-alerts.yml'].map((f) =>
  repoPath(RULES_DIR, f),
);
const promtool = (...args: string[]): Promise<string> => tool('promtool', ...args);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loopscope-rules-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('promtool check rules accepts the committed rule files', async () => {
  const out = await promtool('check', 'rules', ...COMMITTED);
  assert.match(out, /SUCCESS: 12 rules found/);
  assert.match(out, new RegExp(`SUCCESS: ${ALERT_NAMES.length} rules found`));
});

test('the promtool tests cover every generated alert', () => {
  assert.deepEqual(coveredAlerts(DEFAULT_OPTIONS).sort(), [...ALERT_NAMES].sort());
});

test('promtool test rules: each committed alert fires for the bad series only, and not before for:', async () => {
  const file = join(dir, 'default.test.yml');
  await writeFile(file, promtoolTests(DEFAULT_OPTIONS, COMMITTED));
  const out = await promtool('test', 'rules', file);
  assert.match(out, /SUCCESS/);
});

test('promtool test rules also passes for rules generated with other thresholds and for: durations', async () => {
  const o = normalizeOptions({
    loopDelayWarning: 0.05,
    loopDelayWarningFor: '0s',
    loopDelayCritical: 2,
    utilization: 0.5,
    threadpoolWait: 0.02,
    threadpoolWaitFor: '2m',
    resourcesGrowthFactor: 1.5,
    resourcesGrowthMinimum: 0,
    resourcesGrowingFor: '5m',
    heapRatio: 0.75,
    heapFor: '0s',
    senderStale: 150,
    senderStaleFor: '3m',
    collectorDropRate: 10,
    collectorDroppingFor: '1m',
  });
  const root = join(dir, 'custom');
  await writeFiles(root, generate(o));
  const rules = COMMITTED.map((f) => join(root, RULES_DIR, f.split('/').pop() ?? ''));
  await promtool('check', 'rules', ...rules);
  const file = join(dir, 'custom.test.yml');
  await writeFile(file, promtoolTests(o, rules));
  assert.match(await promtool('test', 'rules', file), /SUCCESS/);
});

test('a promtool test that expects the wrong alert fails (the harness can fail)', async () => {
  const yaml = promtoolTests(DEFAULT_OPTIONS, COMMITTED).replace(
    'instance: bad-1',
    'instance: good-1',
  );
  const file = join(dir, 'wrong.test.yml');
  await writeFile(file, yaml);
  await assert.rejects(promtool('test', 'rules', file), /FAILED/);
});
