#!/usr/bin/env node
// Runs Node's built-in test runner on every *.test.js file under the given
// directories. Node 20 accepts a directory for `--test` but no globs; Node 22+
// accepts globs but treats a directory as one file. Listing the files
// ourselves works the same on every supported line.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help')) {
  console.log(
    'Usage: node scripts/run-tests.mjs [--node <path>] [--concurrency N] <dir or file>...\nRuns node --test on every *.test.js under each dir, and on each *.test.js file given,\nN files at a time (default 1).',
  );
  process.exit(args.length === 0 ? 2 : 0);
}
let node = process.execPath;
let concurrency = '1';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--node') node = args[++i];
  else if (args[i] === '--concurrency') concurrency = args[++i];
  else dirs.push(args[i]);
}
if (!/^[1-9][0-9]*$/.test(concurrency)) {
  console.error(`--concurrency takes a positive integer, got ${concurrency}`);
  process.exit(2);
}

const files = dirs.flatMap((dir) =>
  dir.endsWith('.test.js')
    ? [dir]
    : readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.test.js'))
        .sort()
        .map((f) => join(dir, f)),
);
if (files.length === 0) {
  console.error(`No *.test.js files under ${dirs.join(', ')}: did the build run?`);
  process.exit(1);
}
const r = spawnSync(node, ['--test', `--test-concurrency=${concurrency}`, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
