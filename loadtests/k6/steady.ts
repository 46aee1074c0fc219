/**
 * Steady load: constant arrival rate on the fast endpoint plus a little file
 * and DNS work. Optionally a loop-blocking trickle (BLOCK_RATE > 0) to see
 * what a synchronous handler does to everyone else's latency.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 loadtests/k6/steady.ts
 */
import type { Scenario } from 'k6/options';
import { env, envNumber, rate } from './lib/config.ts';
import { buildOptions } from './lib/options.ts';
import { hit } from './lib/requests.ts';
import { summaryWriter } from './lib/summary.ts';

const DURATION = env('DURATION', '2m');
const BLOCK_RATE = envNumber('BLOCK_RATE', 0);
const BLOCK_MS = envNumber('BLOCK_MS', 50);

const scenarios: Record<string, Scenario> = {
  ok: {
    executor: 'constant-arrival-rate',
    exec: 'ok',
    rate: rate(100),
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: 20,
    maxVUs: 200,
  },
  io: {
    executor: 'constant-arrival-rate',
    exec: 'io',
    rate: rate(10),
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: 5,
    maxVUs: 50,
  },
};
if (BLOCK_RATE > 0) {
  scenarios.block = {
    executor: 'constant-arrival-rate',
    exec: 'block',
    rate: BLOCK_RATE,
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: 5,
    maxVUs: 50,
  };
}

export const options = buildOptions({ script: 'steady', scenarios });

export function ok(): void {
  hit('ok', '/ok');
}

let ioTurn = 0;
export function io(): void {
  ioTurn++;
  if (ioTurn % 2 === 0) hit('fs', '/fs');
  else hit('dns', '/dns');
}

export function block(): void {
  hit('block', `/block?ms=${BLOCK_MS}`);
}

export const handleSummary = summaryWriter('steady');
