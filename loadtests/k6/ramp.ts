/**
 * Ramp to the break point: the arrival rate climbs until p95/p99 breach their
 * thresholds, which abort the run (abortOnFail). The last rate reached before
 * the abort is the service's capacity; the analysis shows which resource gave
 * out first.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:3000 -e MAX_RATE=800 loadtests/k6/ramp.ts
 */
import exec from 'k6/execution';
import { env, envNumber, rate } from './lib/config.ts';
import { buildOptions } from './lib/options.ts';
import { hit } from './lib/requests.ts';
import { summaryWriter } from './lib/summary.ts';

const MAX_RATE = envNumber('MAX_RATE', 400);
const RAMP = env('RAMP', '3m');
/** The calm first stage (to 50/s), before the climb. */
const WARMUP = env('WARMUP', '30s');
/** When > 0, every iteration asks for this much synchronous CPU work (`/block?ms=`), like a CPU-bound handler. */
const WORK_MS = envNumber('WORK_MS', 0);

export const options = buildOptions({
  script: 'ramp',
  abortAtBreak: true,
  // Past the break point the VUs run out: a few dozen dropped iterations end the ramp.
  maxDropped: 50,
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      exec: 'mixed',
      startRate: rate(10),
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 500,
      stages: [
        { target: rate(50), duration: WARMUP },
        { target: rate(MAX_RATE), duration: RAMP },
      ],
    },
  },
});

/** Mostly the fast endpoint (or WORK_MS of CPU work), every tenth iteration a file read. */
export function mixed(): void {
  if (exec.scenario.iterationInTest % 10 === 0) hit('fs', '/fs');
  else if (WORK_MS > 0) hit('work', `/block?ms=${WORK_MS}`);
  else hit('ok', '/ok');
}

export const handleSummary = summaryWriter('ramp');
