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
