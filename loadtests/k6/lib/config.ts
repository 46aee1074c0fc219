/**
 * Settings every script shares, read from k6's environment (`-e NAME=value`
 * or the process environment). One place, so the five scripts cannot drift.
 */

function env(name: string, fallback: string): string {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

function envNumber(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** The target service (loadtests/target); no trailing slash. */
export const BASE_URL = env('BASE_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');

/** Scales every arrival rate, so one script serves a laptop and a staging box. */
export const RATE_SCALE = envNumber('RATE_SCALE', 1);

/** Latency objectives in milliseconds, for the thresholds. */
export const P95_MS = envNumber('P95_MS', 100);
export const P99_MS = envNumber('P99_MS', 250);

/** Where handleSummary writes the JSON summary; `{script}` is replaced. */
export const SUMMARY_PATH = env('SUMMARY_PATH', 'results/{script}-summary.json');

export { env, envNumber };

/** Iterations per second, scaled and never below 1. */
export function rate(base: number): number {
  return Math.max(1, Math.round(base * RATE_SCALE));
}

/**
 * One id for the whole run, on every sample (`testid` tag), so Prometheus
 * remote-write series and `--out json` lines of one run can be told apart.
 */
export function testId(script: string): string {
  return env('TESTID', `${script}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}
