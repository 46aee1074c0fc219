/**
 * Soak: a moderate constant rate for a long time, to catch slow drifts:
 * growing active handles (LEAK_RATE > 0 opens handles that are never
 * released), heap growth, GC pauses and latency creeping up.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e DURATION=1h loadtests/k6/soak.ts
 */
import type { Scenario } from 'k6/options';
import exec from 'k6/execution';
import { env, envNumber, rate } from './lib/config.ts';
import { buildOptions } from './lib/options.ts';
import { hit } from './lib/requests.ts';
import { summaryWriter } from './lib/summary.ts';

const DURATION = env('DURATION', '1h');
const LEAK_RATE = envNumber('LEAK_RATE', 0);

const scenarios: Record<string, Scenario> = {
  soak: {
    executor: 'constant-arrival-rate',
    exec: 'mixed',
    rate: rate(30),
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: 10,
    maxVUs: 100,
  },
};
if (LEAK_RATE > 0) {
  scenarios.leak = {
    executor: 'constant-arrival-rate',
    exec: 'leak',
    rate: LEAK_RATE,
    timeUnit: '1m',
    duration: DURATION,
    preAllocatedVUs: 1,
    maxVUs: 5,
  };
}

export const options = buildOptions({ script: 'soak', scenarios });

const MIX = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'fs', 'dns', 'ok'] as const;

export function mixed(): void {
  const name = MIX[exec.scenario.iterationInTest % MIX.length] ?? 'ok';
  hit(name, `/${name}`);
}

export function leak(): void {
  hit('leak', '/leak?n=1');
}

export const handleSummary = summaryWriter('soak');
