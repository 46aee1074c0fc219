import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_DIR } from './paths.js';

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The k6 binary for the real-k6 suite: `K6_BIN`, else `k6` on PATH, else
 * `../shared/bin/k6` beside the repository root (where CI puts the shared
 * tools next to its fresh clone). undefined when none is there.
 */
export function findK6(): string | undefined {
  const fromEnv = process.env.K6_BIN;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir && executable(join(dir, 'k6'))) return join(dir, 'k6');
  const shared = join(REPO_DIR, '..', 'shared', 'bin', 'k6');
  return executable(shared) ? shared : undefined;
}

export const K6_MISSING =
  'REAL-K6 SUITE DID NOT RUN: no k6 found (set K6_BIN, put k6 on PATH, or place it at ../shared/bin/k6; install: https://grafana.com/docs/k6/latest/set-up/install-k6/)';

/**
 * The k6 binary, or undefined after one loud line saying the suite did not run:
 * outside CI a machine without k6 still runs the rest of the suite; in CI
 * (`CI=true`) a missing k6 fails the test.
 */
export function k6OrSayWhyNot(): string | undefined {
  const k6 = findK6();
  if (k6) return k6;
  assert.notEqual(process.env.CI, 'true', K6_MISSING);
  console.error(`\n*** ${K6_MISSING} ***\n`);
  return undefined;
}
