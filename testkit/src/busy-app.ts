/**
 * A real app whose loop a package keeps busy without one long stall, the
 * way sequential bcrypt logins do: `verifyPassword` (the app's own code)
 * calls `deriveKey` of the package `hashlib` (in the app's node_modules) in
 * ~70 ms chunks back to back through setImmediate, under the 100 ms block
 * threshold, for BUSY_MS (default 8000) ms after one idle second; then it
 * idles until killed, like a server. With BUSY_HTTP set it is an HTTP
 * server instead (its port on stdout as `{"port":N}`) whose every request
 * verifies one password: sequential logins under load keep the loop busy. Written into a temporary folder: run it
 * with that folder as the working directory so the agent sees the package
 * as a package.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Lines of the files below, for tests that check the labels the agent builds. */
export const BUSY_APP = {
  packageName: 'hashlib',
  culprit: 'deriveKey',
  /** Line of the spin loop in node_modules/hashlib/index.js. */
  culpritLine: 4,
  caller: 'verifyPassword',
  /** Line of the call in app.js. */
  callerLine: 5,
} as const;

// perf_hooks' own performance: the global one is a lazy getter, and a stack
// sampled inside it would be labelled \`get performance (node:internal/util) ← deriveKey\`.
const PACKAGE = `'use strict';
const { performance } = require('node:perf_hooks');
exports.deriveKey = function deriveKey(ms) {
  const end = performance.now() + ms; let spins = 0; while (performance.now() < end) spins++;
  return spins;
};
`;

// verifyPassword's call of deriveKey must stay on line 5 (BUSY_APP.callerLine). perf_hooks'
// performance here too: a sample in the global getter was once labelled `get performance
// (node:internal/util) ← verifyPassword (app.js:8)` beside a CPU hog.
const APP = `'use strict';
const { deriveKey } = require('hashlib'); const { performance } = require('node:perf_hooks');
let chunks = 0;
function verifyPassword(until) {
  deriveKey(70);
  chunks++;
  if (until === undefined) return;
  if (performance.now() >= until) { console.log(JSON.stringify({ phase: 'done', chunks })); return; }
  setImmediate(() => verifyPassword(until));
}
if (process.env.BUSY_HTTP) {
  // Each POST /login verifies one password: sequential logins keep the loop busy.
  const server = require('node:http').createServer((req, res) => {
    verifyPassword();
    res.end('ok');
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
} else {
  setInterval(() => {}, 1000);
  setTimeout(() => {
    console.log(JSON.stringify({ phase: 'busy' }));
    verifyPassword(performance.now() + Number(process.env.BUSY_MS ?? 8000));
  }, 1000);
}
console.log('app started');
`;

export interface BusyApp {
  /** The folder to run it in (its working directory). */
  readonly dir: string;
  /** Absolute path of app.js. */
  readonly script: string;
  remove(): Promise<void>;
}

export async function writeBusyApp(): Promise<BusyApp> {
  const dir = await mkdtemp(join(tmpdir(), 'loopscope-busy-app-'));
  const pkg = join(dir, 'node_modules', BUSY_APP.packageName);
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'index.js'), PACKAGE);
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: BUSY_APP.packageName, version: '1.0.0', main: 'index.js' }),
  );
  const script = join(dir, 'app.js');
  await writeFile(script, APP);
  return { dir, script, remove: () => rm(dir, { recursive: true, force: true }) };
}
