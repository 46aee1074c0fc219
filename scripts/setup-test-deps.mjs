#!/usr/bin/env node
// Installs the system packages the test suite needs (a real Prometheus, a real
// VictoriaMetrics, nginx and a real headless Chromium), so `npm test` works on a fresh Debian/Ubuntu box.
// Never silently skips: if a package is missing and we cannot install it, we
// stop with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';

const needed = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'prometheus-pushgateway', pkg: 'prometheus-pushgateway' },
  { bin: 'amtool', pkg: 'prometheus-alertmanager' },
  // Remote-write tests (collector/test/e2e/scale-out.test.ts): a second database and a load balancer.
  { bin: 'victoria-metrics', pkg: 'victoria-metrics' },
  { bin: 'nginx', pkg: 'nginx' },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = [...new Set(needed.filter((n) => !has(n.bin)).map((n) => n.pkg))];

if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !has('apt-get')) {
  console.error(
    `loopscope tests need: ${missing.join(', ')}.\nInstall them, then run npm test again:\n  sudo ${command}`,
  );
  process.exit(1);
}
console.log(`Installing test dependencies: ${missing.join(', ')} (apt-get)...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
